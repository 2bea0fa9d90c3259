"""The contributors' docs name real things: every file or folder they mention exists, and every
function the architecture's walks name is defined in the file beside it (so a rename that
forgets the docs fails here, not in a newcomer's hands)."""

import re
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

DOCS = ["CONTRIBUTING.md", "docs/architecture.md"]
# `social/inbox/store.py`, `tickets/services/`, `pyproject.toml`: a backticked repository path
# (a bare `models.py` is the file of any app, and not checked).
PATH = re.compile(r"`((?:[\w.-]+/)+[\w.-]*|[A-Z]+\.md|pyproject\.toml|requirements[\w-]*\.txt)`")
# `social/inbox/store.py`'s `inbound_store`, in prose.
OWNED_NAME = re.compile(r"`((?:[\w.-]+/)+[\w.-]+\.py)`'s `([\w.]+)`")
# | 7 | `social/inbox/store.py` | `inbound_store` | ... in the walks' tables.
TABLE_ROW = re.compile(r"^\| *\d+ *\| *`([^`]+\.py)` *\| *`([\w.]+)` *\|", re.MULTILINE)
# URL paths and the folder every app may have, not repository paths.
# Names of an app's parts in general ("an app's views/"), not paths from the repository's root.
NOT_PATHS = {"api/", "api/v1/", "social/", "templates/", "views/"}


def defines(path: Path, dotted: str) -> bool:
    """Whether `path` defines `dotted` (a function, class, or Class.method, or a module-level name)."""
    if not path.is_file():
        return False
    source = path.read_text()
    *owners, name = dotted.split(".")
    for owner in owners:
        match = re.search(rf"^class {owner}\b.*?(?=^\S)", source + "\nEND", re.MULTILINE | re.DOTALL)
        if match is None:
            return False
        source = match.group(0)
    return bool(re.search(rf"^\s*(?:def|class) {name}\b|^{name}\s*[:=]", source, re.MULTILINE))


@pytest.mark.parametrize("doc", DOCS)
def test_every_path_named_exists(doc):
    text = (REPO_ROOT / doc).read_text()
    missing = sorted(
        {p for p in PATH.findall(text) if p not in NOT_PATHS and "<" not in p and not (REPO_ROOT / p).exists()}
    )
    assert missing == [], f"{doc} names files that do not exist"


def test_the_readme_points_at_them():
    readme = (REPO_ROOT / "README.md").read_text()
    assert "docs/architecture.md" in readme
    assert "CONTRIBUTING.md" in readme


@pytest.mark.parametrize("doc", DOCS)
def test_every_function_named_beside_its_file_is_there(doc):
    text = (REPO_ROOT / doc).read_text()
    named = TABLE_ROW.findall(text) + OWNED_NAME.findall(text)
    assert len(named) >= (20 if doc.startswith("docs") else 3)
    missing = [f"{path}: {name}" for path, name in named if not defines(REPO_ROOT / path, name)]
    assert missing == [], f"{doc} names functions that are not where it says"
