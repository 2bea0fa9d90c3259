"""People's names from the Graph API. A Messenger conversation (and some page events) gives
the desk a page-scoped id and no name, so the person would show as "4004"; with the page's
token, `GET /{id}?fields=name` answers their name (`social.identities` calls this from a
worker, never inside a transaction)."""

from ..errors import Rejected
from ..models import SocialAccount
from .graph import GraphClient


def person_names(*, account: SocialAccount, external_ids: list[str]) -> dict[str, str]:
    """The names Graph gives for `external_ids`, asked with `account`'s page token; an id
    Graph refuses (a person gone, or not this page's to see) is left out. A refused token or
    a rate limit raises (`social.errors`): the caller stops and comes back later."""
    if not account.page_access_token or not external_ids:
        return {}
    names = {}
    with GraphClient(account.page_access_token, app_secret=account.app_secret or None) as graph:
        for external_id in external_ids:
            try:
                person = graph.get(external_id, fields="name")
            except Rejected:
                continue
            name = str(person.get("name") or "").strip()
            if name:
                names[external_id] = name[:200]
    return names
