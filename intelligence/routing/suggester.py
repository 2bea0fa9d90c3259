"""The suggester in use: the newest model version and the managers' keywords, as read now.

A process keeps the model it loaded until a newer version appears; asking costs two queries
(the newest version's number; the active services with their keywords), loading a new
version one more, once per process."""

from tickets.models import Service

from . import learning
from .models import ServiceModel, keyword_list

_loaded: dict[str, object] = {"version": None, "pipeline": None}


def current_suggester() -> learning.Suggester:
    version = ServiceModel.objects.order_by("-version").values_list("version", flat=True).first()
    if version != _loaded["version"]:
        blob = ServiceModel.objects.filter(version=version).values_list("blob", flat=True).first()
        _loaded["pipeline"] = learning.load(blob) if blob else None
        _loaded["version"] = version
    keywords: dict[int, list[str]] = {}
    active: set[int] = set()
    for service_id, text in Service.objects.filter(active=True).values_list("id", "triage_keywords__keywords"):
        active.add(service_id)
        if text:
            keywords[service_id] = keyword_list(text)
    return learning.Suggester(pipeline=_loaded["pipeline"], version=version, keywords=keywords, active=active)


def forget_loaded_model() -> None:
    """Tests: the next call loads the newest version afresh."""
    _loaded.update(version=None, pipeline=None)
