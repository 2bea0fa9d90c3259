"""The services of listening: the managers' queries, storing what is heard, and a heard post
made an incident that the agent answers on its platform through the outbox."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from listening import services
from listening.models import HeardMessage, ListeningQuery
from social.events import Kind, ParsedEvent
from social.listening import Heard
from social.models import Direction, MessageState, SocialMessage
from tickets import services as tickets
from tickets.models import Channel, Visibility

from ..factories import ServiceFactory
from ..social.factories import InboundMessageFactory, SocialAccountFactory, SocialIdentityFactory
from .factories import HeardMessageFactory, ListeningQueryFactory

# --- queries -------------------------------------------------------------------------------------


def test_a_manager_defines_a_query(manager):
    service = ServiceFactory(name="VPN")
    query = services.query_create(
        name="  VPN   trouble ", terms="vpn, remote access\n#VPNdown\n\nVPN", service=service, actor=manager
    )
    assert query.name == "VPN trouble"
    assert query.term_list == ["vpn", "remote access", "#VPNdown"]  # repeats once, whatever their case
    assert query.service == service and query.active and query.created_by == manager


def test_agents_and_outsiders_may_not_define_queries(agent, outsider):
    for user in (agent, outsider):
        with pytest.raises(PermissionDenied):
            services.query_create(name="VPN", terms="vpn", actor=user)
    assert not ListeningQuery.objects.exists()


@pytest.mark.parametrize(
    ("terms", "error"),
    [
        ("  \n , ", "at least one"),
        ("\n".join(f"t{n}" for n in range(26)), "At most 25"),
        ("x" * 101, "100 characters"),
    ],
)
def test_terms_that_cannot_be_searched_are_refused(manager, terms, error):
    with pytest.raises(ValidationError, match=error):
        services.query_create(name="VPN", terms=terms, actor=manager)


def test_a_name_is_used_once(manager):
    services.query_create(name="VPN", terms="vpn", actor=manager)
    with pytest.raises(ValidationError):
        services.query_create(name="VPN", terms="remote access", actor=manager)


def test_new_terms_make_a_new_search_key(manager):
    query = services.query_create(name="VPN", terms="vpn", actor=manager)
    key = query.search_key
    services.query_update(query=query, actor=manager, name="VPN", terms="VPN")
    assert query.search_key == key  # the same words
    services.query_update(query=query, actor=manager, name="VPN", terms="vpn\nanyconnect")
    assert query.search_key != key


def test_deleting_a_query_keeps_what_it_heard(manager):
    message = HeardMessageFactory()
    services.query_delete(query=message.query, actor=manager)
    message.refresh_from_db()
    assert message.query is None and message.service is not None


# --- storing what is heard ----------------------------------------------------------------------


def _heard(account, external_id, text, key=""):
    return Heard(
        search_key=key,
        event=ParsedEvent(
            channel=account.channel,
            account_id=account.external_id,
            external_id=external_id,
            kind=Kind.POST,
            author_id="42",
            author_name="Dana",
            text=text,
        ),
    )


@pytest.mark.django_db
def test_posts_heard_without_a_search_are_filed_under_the_first_query_they_match():
    page = SocialAccountFactory(channel=Channel.FACEBOOK, external_id="1234")
    vpn = ListeningQueryFactory(name="A VPN", terms="vpn", excluded_terms="job offer")
    mail = ListeningQueryFactory(name="B Mail", terms="outlook\nmail")
    stored = services.heard_store(
        account=page,
        heard=[
            _heard(page, "1", "The VPN and Outlook both died"),
            _heard(page, "2", "outlook again"),
            _heard(page, "3", "VPN job offer, apply now"),  # excluded from VPN; no other match
            _heard(page, "4", "Lovely page"),
        ],
        queries={q.search_key: q for q in (vpn, mail)},
    )
    assert stored == 4
    filed = {m.external_id: (m.query, m.service) for m in HeardMessage.objects.all()}
    assert filed == {"1": (vpn, vpn.service), "2": (mail, mail.service), "3": (None, None), "4": (None, None)}


@pytest.mark.django_db
def test_sentiment_is_the_desks_model():
    account = SocialAccountFactory()
    services.heard_store(
        account=account,
        heard=[
            _heard(account, "1", "the vpn is down AGAIN, this is hopeless, worst service ever"),
            _heard(account, "2", "thank you so much, the vpn works perfectly now, great job!"),
        ],
        queries={},
    )
    labels = dict(HeardMessage.objects.values_list("external_id", "sentiment_label"))
    assert labels == {"1": "negative", "2": "positive"}


@pytest.mark.django_db
def test_each_post_is_stored_with_its_intent():
    account = SocialAccountFactory()
    services.heard_store(
        account=account,
        heard=[
            _heard(account, "1", "the vpn drops every ten minutes since the update"),
            _heard(account, "2", "is the vpn maintenance tonight or tomorrow?"),
            _heard(account, "3", "Acme IT fixed my laptop in ten minutes, thank you!"),
            _heard(account, "4", "the new wireless in the canteen is brilliant"),
            _heard(account, "5", "good morning everyone"),
        ],
        queries={},
    )
    intents = dict(HeardMessage.objects.values_list("external_id", "intent"))
    assert intents == {"1": "complaint", "2": "question", "3": "thanks", "4": "praise", "5": "chatter"}


# --- a heard post made an incident --------------------------------------------------------------


def test_an_agent_makes_a_heard_post_an_incident_reported_by_its_author(agent):
    message = HeardMessageFactory(author_id="31337", author_handle="@dana", author_name="Dana W", text="vpn down again")
    incident = services.heard_message_convert(message=message, actor=agent)

    assert incident.title == "vpn down again"
    assert message.url in incident.description
    assert incident.channel == "twitter" and incident.service == message.service
    assert incident.reporter.name == "Dana W"
    identity = incident.reporter.social_identities.get()
    assert (identity.channel, identity.external_id, identity.handle) == ("twitter", "31337", "@dana")
    linked = SocialMessage.objects.get(incident=incident)
    assert (linked.direction, linked.external_id, linked.state, linked.identity) == (
        Direction.INBOUND,
        message.external_id,
        MessageState.NEW_INCIDENT,
        identity,
    )
    assert linked.account_external_id == message.account.external_id
    message.refresh_from_db()
    assert message.incident == incident and message.converted_by == agent and message.converted_at


def test_twice_is_once(agent):
    message = HeardMessageFactory()
    first = services.heard_message_convert(message=message, actor=agent)
    assert services.heard_message_convert(message=message, actor=agent) == first
    assert SocialMessage.objects.filter(incident=first).count() == 1


def test_a_known_author_reports_as_the_contact_the_desk_has(agent):
    identity = SocialIdentityFactory(external_id="31337")
    message = HeardMessageFactory(author_id="31337")
    assert services.heard_message_convert(message=message, actor=agent).reporter == identity.contact


def test_a_post_intake_already_made_an_incident_answers_that_incident(agent, contact):
    message = HeardMessageFactory()
    existing = tickets.incident_create(reporter=contact, title="From intake", channel="twitter", actor=contact)
    InboundMessageFactory(channel="twitter", external_id=message.external_id, incident=existing)
    assert services.heard_message_convert(message=message, actor=agent) == existing


def test_only_agents_make_incidents(customer):
    message = HeardMessageFactory()
    with pytest.raises(PermissionDenied):
        services.heard_message_convert(message=message, actor=customer)
    message.refresh_from_db()
    assert message.incident is None


def test_a_post_without_a_known_author_is_refused(agent):
    message = HeardMessageFactory(author_id="")
    with pytest.raises(ValidationError, match="not known"):
        services.heard_message_convert(message=message, actor=agent)


def test_the_agents_public_reply_answers_the_post_on_its_platform(agent, django_capture_on_commit_callbacks):
    message = HeardMessageFactory(kind=Kind.MENTION)
    incident = services.heard_message_convert(message=message, actor=agent)
    with django_capture_on_commit_callbacks(execute=False):
        tickets.comment_create(
            incident=incident, author=agent, body="Sorry Dana, we are on it.", visibility=Visibility.PUBLIC
        )
    reply = SocialMessage.objects.get(incident=incident, direction=Direction.OUTBOUND)
    assert (reply.channel, reply.kind, reply.in_reply_to, reply.account_external_id, reply.state) == (
        "twitter",
        Kind.REPLY,
        message.external_id,
        message.account.external_id,
        MessageState.QUEUED,
    )
    assert reply.text == "Sorry Dana, we are on it."


def test_on_facebook_the_reply_is_a_comment_under_the_post(agent, django_capture_on_commit_callbacks):
    message = HeardMessageFactory(channel=Channel.FACEBOOK, author_handle="", url="https://www.facebook.com/1_2")
    incident = services.heard_message_convert(message=message, actor=agent)
    with django_capture_on_commit_callbacks(execute=False):
        tickets.comment_create(
            incident=incident, author=agent, body="We are looking into it.", visibility=Visibility.PUBLIC
        )
    reply = SocialMessage.objects.get(incident=incident, direction=Direction.OUTBOUND)
    assert (reply.kind, reply.in_reply_to) == (Kind.COMMENT, message.external_id)
