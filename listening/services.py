"""Every write of listening: the managers' queries, what is heard stored, and a heard post made
an incident. Keyword-only and typed; the role rules are here, for the pages, the API, the
admin and the workers alike."""

import logging
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from feedback.sentiment import score_texts
from intelligence.intent import classify
from social.events import ParsedEvent
from social.inbox.adopt import heard_post_adopt
from social.listening import Heard
from social.models import SocialAccount
from tickets.access import is_agent
from tickets.models import Incident, Service

from .models import HeardMessage, ListeningQuery, split_terms

logger = logging.getLogger(__name__)

MANAGE_PERMISSION = "listening.manage_listening"
MAX_TERMS = 25
MAX_TERM_LENGTH = 100


def may_manage_queries(user) -> bool:
    return user.is_active and user.has_perm(MANAGE_PERMISSION)


def _check_manager(actor: User) -> None:
    if not may_manage_queries(actor):
        raise PermissionDenied("Only managers may change what the desk listens for.")


def _check_terms(terms: str, *, field: str, required: bool) -> None:
    words = split_terms(terms)
    if required and not words:
        raise ValidationError({field: "Give at least one word, phrase, hashtag or name to listen for."})
    if len(words) > MAX_TERMS:
        raise ValidationError({field: f"At most {MAX_TERMS} terms (there are {len(words)})."})
    long = [word for word in words if len(word) > MAX_TERM_LENGTH]
    if long:
        raise ValidationError({field: f"A term may be {MAX_TERM_LENGTH} characters at most: {long[0][:40]}…"})


def query_create(
    *,
    name: str,
    terms: str,
    actor: User,
    excluded_terms: str = "",
    service: Service | None = None,
    active: bool = True,
) -> ListeningQuery:
    _check_manager(actor)
    _check_terms(terms, field="terms", required=True)
    _check_terms(excluded_terms, field="excluded_terms", required=False)
    query = ListeningQuery(
        name=" ".join(name.split()),
        terms="\n".join(split_terms(terms)),
        excluded_terms="\n".join(split_terms(excluded_terms)),
        service=service,
        active=active,
        created_by=actor,
    )
    query.full_clean()
    query.save()
    return query


def query_update(
    *,
    query: ListeningQuery,
    actor: User,
    name: str,
    terms: str,
    excluded_terms: str = "",
    service: Service | None = None,
    active: bool = True,
) -> ListeningQuery:
    """Change a query. New terms start a new search from now (its cursors are keyed by them);
    what was heard stays filed where it was."""
    _check_manager(actor)
    _check_terms(terms, field="terms", required=True)
    _check_terms(excluded_terms, field="excluded_terms", required=False)
    query.name = " ".join(name.split())
    query.terms = "\n".join(split_terms(terms))
    query.excluded_terms = "\n".join(split_terms(excluded_terms))
    query.service = service
    query.active = active
    query.full_clean()
    query.save(update_fields=["name", "terms", "excluded_terms", "service", "active", "updated_at"])
    return query


def query_delete(*, query: ListeningQuery, actor: User) -> None:
    """Stop listening for it; what it heard stays, filed under its service, without the query."""
    _check_manager(actor)
    query.delete()


# --- what is heard ------------------------------------------------------------------------------


def _matching_query(text: str, queries: list[ListeningQuery]) -> ListeningQuery | None:
    """The first query (by name) one of whose terms the text contains and none of whose excluded
    terms it does: how a post heard without a search (a Facebook tag) is filed."""
    folded = text.casefold()
    for query in queries:
        if any(term.casefold() in folded for term in query.excluded_list):
            continue
        if any(term.casefold() in folded for term in query.term_list):
            return query
    return None


def heard_store(*, account: SocialAccount, heard: Iterable[Heard], queries: dict[str, ListeningQuery]) -> int:
    """Store what a run heard on `account`, each post once (a re-poll, or a second query meeting
    the same post, stores nothing twice), scored by the desk's sentiment model and filed under
    its query's service, with its intent (praise and chatter are kept to read; complaints and
    questions are what agents answer). `queries`: the run's queries by search key. The number stored."""
    now = timezone.now()
    by_key: dict[str, tuple[str, ParsedEvent]] = {}
    for item in heard:
        event = item.event
        if event.external_id and event.external_id not in by_key:
            by_key[event.external_id] = (item.search_key, event)
    if not by_key:
        return 0
    known = set(
        HeardMessage.objects.filter(channel=account.channel, external_id__in=list(by_key)).values_list(
            "external_id", flat=True
        )
    )
    new = [(key, event) for external_id, (key, event) in by_key.items() if external_id not in known]
    if not new:
        return 0
    active = sorted(queries.values(), key=lambda q: q.name)
    sentiments = score_texts([event.text for _, event in new])
    rows = []
    for (key, event), sentiment in zip(new, sentiments, strict=True):
        query = queries.get(key) if key else _matching_query(event.text, active)
        rows.append(
            HeardMessage(
                channel=account.channel,
                account=account,
                external_id=event.external_id[:100],
                query=query,
                service_id=query.service_id if query else None,
                kind=event.kind,
                author_id=event.author_id[:64],
                author_handle=event.author_handle[:100],
                author_name=event.author_name[:200],
                text=event.text,
                url=event.url[:500],
                in_reply_to=event.in_reply_to[:100],
                thread_key=event.thread_key[:100],
                mentions_account=event.mentions_account,
                raw=event.raw,
                posted_at=event.created_at or now,
                heard_at=now,
                sentiment_score=sentiment.score,
                sentiment_label=sentiment.label,
                sentiment_model=sentiment.model_version[:40],
                intent=classify(event.text).value,
            )
        )
    # A run on another worker can only race in by a lease that expired: the constraint decides.
    HeardMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def heard_event(message: HeardMessage) -> ParsedEvent:
    """The heard post as intake's event, to hand to social."""
    return ParsedEvent(
        channel=message.channel,
        account_id=message.account.external_id,
        external_id=message.external_id,
        kind=message.kind,
        author_id=message.author_id,
        author_handle=message.author_handle,
        author_name=message.author_name,
        text=message.text,
        created_at=message.posted_at,
        in_reply_to=message.in_reply_to,
        thread_key=message.thread_key,
        url=message.url,
        mentions_account=message.mentions_account,
        raw=message.raw,
    )


def heard_message_convert(*, message: HeardMessage, actor: User) -> Incident:
    """An agent makes a heard post an incident: reported by its author (a contact found by their
    platform id, or new), filed under the post's service, with the post as its message, so the
    agent's public reply answers it on its platform. Twice is once: the second call (or a post
    intake had already made an incident) answers the incident it has."""
    if not is_agent(actor):
        raise PermissionDenied("Only service desk agents may make a heard post an incident.")
    with transaction.atomic():
        message = (
            HeardMessage.objects.select_for_update(of=("self",))
            .select_related("account", "incident")
            .get(pk=message.pk)
        )
        if message.incident is not None:
            return message.incident
        incident = heard_post_adopt(event=heard_event(message), actor=actor, service=message.service)
        message.incident = incident
        message.converted_by = actor
        message.converted_at = timezone.now()
        message.save(update_fields=["incident", "converted_by", "converted_at"])
    return incident
