"""One batch of inbound events → incidents, comments and messages, in a few queries.

`Batch(events).run()` (inside the claim's transaction, `social.inbox.claim`) loads everything
the batch needs in a constant number of queries, decides what each event is, in thread order,
and writes the outcome with one bulk insert per table.

What an event becomes:
- a message from somebody with no incident in that conversation → a new incident, acknowledged
  with a public reply carrying its number;
- a reply to a message that belongs to an incident (the message it answers, else the latest
  message of its thread: a conversation, a private thread) → a public comment on it; a
  resolved incident reopens within the reopen window, otherwise (or closed) a new incident
  follows it up;
- the desk's own posts → recorded, open nothing; reposts, likes and the like → ignored;
- edited at the source → the copies are updated, with an audit line;
- deleted at the source → every copy is redacted, the record that it existed stays.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from servicedesk.db import bulk_insert
from tickets import services as tickets
from tickets.models import Comment, Contact, Incident, IncidentStatus

from .. import judgement, platforms
from ..accounts import configured_accounts
from ..acknowledgements import DEFAULT_ACKNOWLEDGEMENT, acknowledgement_fill, acknowledgement_with_note
from ..events import ANSWER_KIND, Action, Kind, Medium, ParsedEvent
from ..models import (
    AcknowledgementTemplate,
    Direction,
    InboundEvent,
    InboundState,
    MessageState,
    SocialIdentity,
    SocialMessage,
)
from ..outbox.queue import enqueue_sending
from ..queries import per_channel
from ..signals import (
    REOPENED_REASON,
    acknowledgement_notes_wanted,
    inbound_messages_stored,
    outbound_changed_at_source,
    reply_on_resolved_incident,
)
from .redact import redact_message

# A reply whose parent is still waiting in the inbox waits for it, this long at most.
PARENT_WAIT = timedelta(seconds=30)
REDACTED = tickets.REDACTED_TEXT
# X handles (@jess), and handles with dots, a domain or a port (@jess.bsky.social, @jess@mastodon.example).
_LEADING_HANDLES = re.compile(r"^(?:\s*@[\w.@:-]*\w)+\s*")


def title_from(text: str, *, fallback: str) -> str:
    """The incident's title: the words without the leading @handles, cut at a word near 80."""
    words = " ".join(_LEADING_HANDLES.sub("", text).split())
    if not words:
        return fallback
    if len(words) <= 80:
        return words
    cut = words[:80].rsplit(" ", 1)[0] if " " in words[:80] else words[:79]
    return cut.rstrip(" ,.;:-") + "…"


@dataclass
class _PendingIncident:
    """An incident this batch will open at its end; replies later in the batch join it."""

    draft: tickets.IncidentDraft
    message: SocialMessage
    identity: SocialIdentity
    incident: Incident | None = None
    is_open = True


@dataclass
class _Ref:
    """A message the batch can thread onto (stored, or new in this batch), and its incident:
    an `Incident`, a `_PendingIncident`, or None."""

    message: SocialMessage
    incident: object = None


class Batch:
    def __init__(self, events: list[InboundEvent]):
        self.events = events
        self.now = timezone.now()
        self.parsed = {event.pk: ParsedEvent.from_json(event.payload) for event in events}
        self.messages: list[SocialMessage] = []
        self.acknowledgements: list[SocialMessage] = []
        self.new_incidents: list[_PendingIncident] = []
        self.replies: list[tuple[SocialMessage, object, Contact]] = []
        self.links: list[tuple[SocialMessage, _PendingIncident]] = []
        # The intent judged of an event's message (`social.judgement`), by event id.
        self.intents: dict[int, str] = {}
        # Inbound messages that carry photos or videos, kept as their incident's attachments.
        self.media: list[tuple[SocialMessage, list[Medium]]] = []

    def run(self) -> None:
        self._load()
        done, postponed = [], []
        for event in self._in_thread_order():
            parsed = self.parsed[event.pk]
            if self._waits_for_parent(event, parsed):
                postponed.append(event.pk)
                continue
            self._handle(event, parsed)
            done.append(event.pk)
        self._write()
        InboundEvent.objects.filter(pk__in=done).update(state=InboundState.DONE, processed_at=self.now, last_error="")
        if postponed:
            InboundEvent.objects.filter(pk__in=postponed).update(next_attempt_at=self.now + timedelta(seconds=2))
        stored = [m.pk for m in self.messages if m.direction == Direction.INBOUND and m.state != MessageState.IGNORED]
        if stored:
            transaction.on_commit(
                lambda: inbound_messages_stored.send(sender=SocialMessage, message_ids=stored), robust=True
            )
        outbound = [m.pk for m in self.acknowledgements]
        if outbound:
            transaction.on_commit(lambda: enqueue_sending(outbound), robust=True)

    # --- everything the batch needs, a few queries whatever its size -------------------------

    def _load(self) -> None:
        events = list(self.parsed.values())
        # Which accounts are ours is all a batch needs: their tokens stay encrypted.
        self.accounts: set[tuple[str, str]] = configured_accounts({e.channel for e in events})
        known = per_channel(
            "external_id",
            ((e.channel, i) for e in events for i in (e.external_id, e.in_reply_to, *e.references) if i),
        )
        self.refs: dict[tuple[str, str], _Ref] = {
            (m.channel, m.external_id): _Ref(m, m.incident)
            for m in SocialMessage.objects.filter(known).select_related("incident", "comment")
        }
        threads = per_channel("thread_key", ((e.channel, e.thread_key) for e in events if e.thread_key))
        self.thread_refs: dict[tuple[str, str], _Ref] = {}
        for m in (
            SocialMessage.objects.filter(threads, incident__isnull=False)
            .select_related("incident")
            .order_by("created_at", "id")
        ):
            self.thread_refs[(m.channel, m.thread_key)] = _Ref(m, m.incident)
        waiting = per_channel("dedup_key", ((e.channel, e.in_reply_to) for e in events if e.in_reply_to))
        self.parents_waiting = set(
            InboundEvent.objects.filter(waiting, state=InboundState.PENDING)
            .exclude(pk__in=[event.pk for event in self.events])
            .values_list("channel", "dedup_key")
        )
        self.identities = self._identities(events)
        numbers = {e.names_incident for e in events if e.names_incident}
        self.named_incidents: dict[str, Incident] = (
            {incident.number: incident for incident in Incident.objects.filter(number__in=numbers)} if numbers else {}
        )
        self.templates = {t.channel: t.text for t in AcknowledgementTemplate.objects.all()}

    def _identities(self, events: list[ParsedEvent]) -> dict[tuple[str, str], SocialIdentity]:
        authors = {
            (e.channel, e.author_id): e
            for e in events
            if e.action in (Action.CREATE, Action.EDIT) and e.author_id and e.author_id != e.account_id
        }
        if not authors:
            return {}
        found = self._find_identities(authors)
        missing = [key for key in authors if key not in found]
        if missing:
            contacts = bulk_insert(
                [Contact(name=(authors[k].author_name or authors[k].author_handle or k[1])[:200]) for k in missing]
            )
            SocialIdentity.objects.bulk_create(
                [
                    SocialIdentity(
                        channel=k[0],
                        external_id=k[1],
                        handle=authors[k].author_handle[:100],
                        display_name=authors[k].author_name[:200],
                        contact=contact,
                    )
                    for k, contact in zip(missing, contacts, strict=True)
                ],
                ignore_conflicts=True,  # another shard met the same person at the same moment
            )
            found.update(self._find_identities(missing))
        return found

    @staticmethod
    def _find_identities(keys) -> dict[tuple[str, str], SocialIdentity]:
        wanted = per_channel("external_id", keys)
        return {
            (i.channel, i.external_id): i
            for i in SocialIdentity.objects.filter(wanted).select_related("contact__merged_into")
        }

    def _in_thread_order(self) -> list[InboundEvent]:
        """Parents before the replies that answer them; otherwise as claimed."""
        by_key = {(p.channel, p.external_id): pk for pk, p in self.parsed.items() if p.action == Action.CREATE}
        by_pk = {event.pk: event for event in self.events}
        ordered, seen = [], set()
        for event in self.events:
            chain = []
            current = event
            while current is not None and current.pk not in seen:
                seen.add(current.pk)
                chain.append(current)
                parsed = self.parsed[current.pk]
                current = by_pk.get(by_key.get((parsed.channel, parsed.in_reply_to)))
            ordered.extend(reversed(chain))
        return ordered

    def _waits_for_parent(self, event: InboundEvent, parsed: ParsedEvent) -> bool:
        return (
            parsed.action == Action.CREATE
            and (parsed.channel, parsed.in_reply_to) in self.parents_waiting
            and self.now - event.received_at < PARENT_WAIT
        )

    # --- deciding -------------------------------------------------------------------------------

    def _handle(self, event: InboundEvent, parsed: ParsedEvent) -> None:
        if parsed.action == Action.IGNORE:
            self._ignore(event, parsed, parsed.ignore_reason or "Nothing to do.")
        elif (parsed.channel, parsed.account_id) not in self.accounts:
            self._ignore(event, parsed, f"Not a configured account ({parsed.account_id}).")
        elif parsed.action == Action.CREATE:
            self._create(event, parsed)
        elif parsed.action == Action.EDIT:
            self._edit(event, parsed)
        elif parsed.action == Action.DELETE:
            self._delete(event, parsed)
        elif parsed.action == Action.HIDE:
            ref = self.refs.get((parsed.channel, parsed.external_id))
            if ref is not None:
                ref.message.hidden = True
                if ref.message.pk:
                    ref.message.save(update_fields=["hidden"])

    def _message(self, event: InboundEvent, parsed: ParsedEvent, **fields) -> SocialMessage:
        message = SocialMessage(
            channel=parsed.channel,
            direction=Direction.INBOUND,
            kind=fields.pop("kind", parsed.kind),
            external_id=fields.pop("external_id", parsed.external_id),
            account_external_id=parsed.account_id,
            author_name=(parsed.author_handle or parsed.author_name)[:200],
            text=fields.pop("text", parsed.text),
            url=parsed.url[:500],
            in_reply_to=parsed.in_reply_to,
            thread_key=parsed.thread_key[:100],
            mentions_account=parsed.mentions_account,
            inbound_event=event,
            intent=self.intents.get(event.pk, ""),
            raw=fields.pop("raw", parsed.raw),
            created_at=parsed.created_at or self.now,
            **fields,
        )
        self.messages.append(message)
        if parsed.media and message.state != MessageState.IGNORED:
            self.media.append((message, parsed.media))
        if message.external_id:
            self.refs[(message.channel, message.external_id)] = _Ref(message, message.incident)
        return message

    def _ignore(self, event: InboundEvent, parsed: ParsedEvent, reason: str) -> None:
        # Kept for the record, without claiming the platform id a real message may still need
        # (a like's id can be the liked post's).
        self._message(event, parsed, external_id="", state=MessageState.IGNORED, state_reason=reason[:500])

    def _link(self, message: SocialMessage, incident) -> None:
        if isinstance(incident, _PendingIncident):
            self.links.append((message, incident))
        else:
            message.incident = incident
        ref = self.refs.get((message.channel, message.external_id))
        if message.external_id and ref is not None and ref.message is message:
            ref.incident = incident
        if message.thread_key and incident is not None:
            self.thread_refs[(message.channel, message.thread_key)] = _Ref(message, incident)

    def _create(self, event: InboundEvent, parsed: ParsedEvent) -> None:
        if (parsed.channel, parsed.external_id) in self.refs:
            return  # already here: our own answer coming back, or deleted before it arrived
        parent = self._parent_of(parsed)
        if parsed.author_id == parsed.account_id:
            message = self._message(event, parsed, state=MessageState.RECORDED, state_reason="The desk's own message.")
            if parent is not None and parent.incident is not None:
                self._link(message, parent.incident)
            return
        identity = self.identities[(parsed.channel, parsed.author_id)]
        target = parent.incident if parent is not None else None
        if target is None:
            target = self._named_incident(parsed, identity)
        if target is None:
            if not self._kept_as_feedback(event, parsed, identity):
                self._open_incident(event, parsed, identity)
        elif target.is_open:
            message = self._message(event, parsed, identity=identity, state=MessageState.JOINED)
            self._link(message, target)
            self.replies.append((message, target, identity.contact))
        elif reason := self._taken_elsewhere(target, parsed):
            message = self._message(event, parsed, identity=identity, state=MessageState.RECORDED, state_reason=reason)
            self._link(message, target)
        elif target.status == IncidentStatus.RESOLVED and self._reopened(target, parsed, identity):
            message = self._message(
                event,
                parsed,
                identity=identity,
                state=MessageState.JOINED,
                state_reason=REOPENED_REASON.format(number=target.number),
            )
            message.comment = Comment.objects.filter(incident=target).order_by("-id").first()
            self._link(message, target)
        elif not self._kept_as_feedback(event, parsed, identity, closed=target):
            self._open_incident(event, parsed, identity, follow_up_of=target)

    def _named_incident(self, parsed: ParsedEvent, identity: SocialIdentity) -> Incident | None:
        """The incident the message names as its own (an e-mail's subject), when it continues
        nothing the desk has: taken only from that incident's reporter, so nobody else can
        write into somebody's incident by quoting its number."""
        incident = self.named_incidents.get(parsed.names_incident) if parsed.names_incident else None
        contact = identity.contact
        if incident is not None and incident.reporter_id in (contact.pk, contact.merged_into_id):
            return incident
        return None

    def _kept_as_feedback(
        self,
        event: InboundEvent,
        parsed: ParsedEvent,
        identity: SocialIdentity,
        *,
        closed: Incident | None = None,
    ) -> bool:
        """Praise, thanks and chatter open no incident (`social.judgement`): the message is kept
        as feedback (scored like every message, listed on the Social page, one click from an
        incident). After a closed incident it stays linked to it, and opens no follow-up."""
        verdict = judgement.judge(parsed.text)
        self.intents[event.pk] = verdict.intent
        if verdict.opens_incident:
            return False
        message = self._message(
            event, parsed, identity=identity, state=MessageState.FEEDBACK, state_reason=verdict.reason[:500]
        )
        if closed is not None:
            self._link(message, closed)
        # A reply to it later in the conversation is judged on its own words (it has no incident).
        return True

    def _taken_elsewhere(self, incident: Incident, parsed: ParsedEvent) -> str:
        """Whether another app takes this reply on a resolved or closed incident (a survey
        answer, say), and why. Rare (one query at most per such reply), so asked one by one."""
        for _receiver, reason in reply_on_resolved_incident.send(
            sender=Batch, incident=incident, channel=parsed.channel, text=parsed.text
        ):
            if reason:
                return str(reason)[:500]
        return ""

    def _reopened(self, incident: Incident, parsed: ParsedEvent, identity: SocialIdentity) -> bool:
        try:
            tickets.incident_reopen_by_reporter(
                incident=incident, actor=identity.contact, note=parsed.text or "(no text)"
            )
        except ValidationError:
            return False  # outside the reopen window: the caller opens a follow-up
        incident.refresh_from_db()
        return True

    def _parent_of(self, parsed: ParsedEvent) -> _Ref | None:
        """What this message continues: the message it answers if the desk has it, else the
        nearest of the others it names (an e-mail's References), else (X conversations, DMs,
        Messenger, e-mail) the latest message of its thread with an incident."""
        for answered in (parsed.in_reply_to, *parsed.references):
            parent = self.refs.get((parsed.channel, answered)) if answered else None
            if parent is not None:
                return parent
        if parsed.thread_key and parsed.kind in (Kind.DM, Kind.MESSENGER, Kind.REPLY, Kind.MENTION):
            return self.thread_refs.get((parsed.channel, parsed.thread_key))
        return None

    def _open_incident(
        self,
        event: InboundEvent,
        parsed: ParsedEvent,
        identity: SocialIdentity,
        follow_up_of: Incident | None = None,
    ) -> None:
        contact = identity.contact
        platform = platforms.get(parsed.channel).name
        title = title_from(parsed.title or parsed.text, fallback=f"Message from {contact.name} on {platform}")
        # The desk keeps 20,000 characters of a description, as pages and the API do; the message keeps it all.
        text = parsed.text + (f"\n\n{parsed.url}" if parsed.url else "")
        description = tickets.fitted_text(text, model=Incident, field="description")
        message = self._message(event, parsed, identity=identity, state=MessageState.NEW_INCIDENT)
        if follow_up_of is None:
            pending = _PendingIncident(
                draft=tickets.IncidentDraft(
                    reporter=contact,
                    title=title,
                    description=description,
                    channel=parsed.channel,
                    opened_at=parsed.created_at,
                ),
                message=message,
                identity=identity,
            )
            self.new_incidents.append(pending)
            self._link(message, pending)
            return
        # Rare (a reply on a closed incident): the full service, which records the link.
        incident = tickets.incident_create(
            reporter=contact,
            title=title,
            description=description,
            channel=parsed.channel,
            actor=contact,
            opened_at=parsed.created_at,
            follow_up_of=follow_up_of,
        )
        message.state_reason = (
            f"Follows up {follow_up_of.number}, which is {follow_up_of.get_status_display().lower()}."
        )
        self._link(message, incident)
        self._acknowledge(message, incident, identity)

    def _acknowledge(self, message: SocialMessage, incident: Incident, identity: SocialIdentity) -> None:
        template = self.templates.get(message.channel, DEFAULT_ACKNOWLEDGEMENT)
        text = acknowledgement_fill(template, number=incident.number, name=identity.contact.name)
        self.acknowledgements.append(
            SocialMessage(
                channel=message.channel,
                direction=Direction.OUTBOUND,
                kind=ANSWER_KIND.get(message.kind, Kind.REPLY),
                account_external_id=message.account_external_id,
                identity=identity,
                author_name="Service desk",
                text=text,
                in_reply_to=message.external_id,
                thread_key=message.thread_key,
                incident=incident,
                state=MessageState.QUEUED,
                next_attempt_at=self.now,
                created_at=self.now,
            )
        )

    def _add_notes(self) -> None:
        """What other apps add to the acknowledgements (a matching known error's public text)."""
        if not self.acknowledgements:
            return
        incidents = [ack.incident for ack in self.acknowledgements]
        for _receiver, notes in acknowledgement_notes_wanted.send(sender=Batch, incidents=incidents):
            for index, (note, link) in (notes or {}).items():
                ack = self.acknowledgements[index]
                ack.text = acknowledgement_with_note(channel=ack.channel, text=ack.text, note=note, link=link)

    def _edit(self, event: InboundEvent, parsed: ParsedEvent) -> None:
        ref = self.refs.get((parsed.channel, parsed.external_id))
        if ref is None:
            # Edited before the desk saw it: the edit is the message as it now stands.
            self._create(event, ParsedEvent(**{**parsed.__dict__, "action": Action.CREATE}))
            return
        message = ref.message
        if message.direction == Direction.OUTBOUND:
            self._outbound_changed(message, parsed)
            return
        if message.deleted:
            return
        message.text = parsed.text
        message.edited_at = parsed.created_at or self.now
        if message.pk is None:  # new in this batch: nothing written yet
            if isinstance(ref.incident, _PendingIncident) and ref.incident.message is message:
                ref.incident.draft.description = parsed.text  # cut by incidents_create_bulk
            return
        message.save(update_fields=["text", "edited_at"])
        if message.state == MessageState.NEW_INCIDENT and message.incident_id:
            tickets.incident_source_edited(incident=message.incident, description=parsed.text, actor=None)
        elif message.comment_id:
            tickets.comment_source_edited(comment=message.comment, body=parsed.text, actor=None)

    def _delete(self, event: InboundEvent, parsed: ParsedEvent) -> None:
        ref = self.refs.get((parsed.channel, parsed.external_id))
        if ref is None:
            # Deleted before it arrived: a tombstone, so the late original is never shown.
            self._message(
                event,
                parsed,
                kind=Kind.OTHER,
                text="",
                raw={},
                deleted=True,
                state=MessageState.IGNORED,
                state_reason="Deleted at the source before the desk saw it.",
            )
            return
        message = ref.message
        if message.direction == Direction.OUTBOUND:
            self._outbound_changed(message, parsed)  # the desk's own words are kept as a record
            return
        if message.pk is None:
            message.text, message.raw, message.deleted = "", {}, True
            if isinstance(ref.incident, _PendingIncident) and ref.incident.message is message:
                ref.incident.draft.description = REDACTED
                ref.incident.draft.title = "Deleted message"
            return
        redact_message(message)

    def _outbound_changed(self, message: SocialMessage, parsed: ParsedEvent) -> None:
        """The desk's own message, edited or deleted at the platform: kept as sent, and told
        (a broadcast's record keeps the change)."""
        if message.pk is None:
            return
        message_id, action, text, at = message.pk, parsed.action, parsed.text, parsed.created_at or self.now
        transaction.on_commit(
            lambda: outbound_changed_at_source.send(
                sender=SocialMessage, message_id=message_id, action=action, text=text, at=at
            ),
            robust=True,
        )

        # --- writing ---------------------------------------------------------------------------------

    def _write(self) -> None:
        incidents = tickets.incidents_create_bulk(drafts=[p.draft for p in self.new_incidents])
        for pending, incident in zip(self.new_incidents, incidents, strict=True):
            pending.incident = incident
            self._acknowledge(pending.message, incident, pending.identity)
        for message, pending in self.links:
            message.incident = pending.incident
        replies = [
            (target.incident if isinstance(target, _PendingIncident) else target, contact, message)
            for message, target, contact in self.replies
        ]
        comments = tickets.comments_create_bulk(
            replies=[(incident, contact, message.text, message.created_at) for incident, contact, message in replies]
        )
        for (_, _, message), comment in zip(replies, comments, strict=True):
            message.comment = comment
        self._add_notes()
        bulk_insert(self.messages + self.acknowledgements)
        self._attach_media()

    def _attach_media(self) -> None:
        """The photos and videos of the messages that opened or joined an incident, as links
        on it (on the reply's comment for a reply), from their author."""
        drafts = [
            tickets.AttachmentLinkDraft(
                incident=message.incident,
                comment=message.comment,
                actor=message.identity.contact if message.identity is not None else None,
                link=tickets.AttachmentLink(url=medium.url, name=medium.name, content_type=medium.content_type),
            )
            for message, media in self.media
            if message.incident is not None and message.state in (MessageState.NEW_INCIDENT, MessageState.JOINED)
            for medium in media
        ]
        if drafts:
            tickets.attachment_links_create_bulk(drafts=drafts)
