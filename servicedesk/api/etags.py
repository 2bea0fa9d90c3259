"""Strong ETags: the hash of a representation. The API's answers carry them, and the
services compare a change's expected version with one (`tickets.services.incident_version`),
so the pages and the API share one notion of "the version you saw"."""

import hashlib
import json
from typing import Any

from rest_framework.utils.encoders import JSONEncoder


def etag_for(representation: Any) -> str:
    """A strong ETag: the same representation always hashes to the same tag."""
    canonical = json.dumps(representation, cls=JSONEncoder, sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:40] + '"'
