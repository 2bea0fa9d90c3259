"""A known error marked public, and its public text in the acknowledgements of matching new
incidents (a setting per known error), through social's acknowledgement path."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from social.acknowledgements import acknowledgement_with_note
from social.models import Direction, SocialMessage
from status.models import PublicKnownError
from status.services import public_known_error_save
from tickets import services as tickets
from tickets.models import Incident, ProblemStatus

from ..factories import IncidentFactory
from ..social.inbox.conftest import accounts, deliver, tweet  # noqa: F401 (accounts: a fixture)

pytestmark = pytest.mark.django_db
INTERNAL = "Reconnect with the TCP profile; the AP-7 concentrator leaks tunnels."


@pytest.fixture
def known_error(agent, django_capture_on_commit_callbacks):
    """A known error about the VPN, its first incident indexed for similarity."""
    with django_capture_on_commit_callbacks(execute=True):
        first = IncidentFactory(title="VPN disconnects every hour", description="The VPN tunnel drops at home.")
    problem = tickets.problem_create(title="VPN concentrator drops tunnels", actor=agent, incidents=[first])
    return tickets.problem_transition(
        problem=problem, actor=agent, to_status=ProblemStatus.KNOWN_ERROR, workaround=INTERNAL
    )


def acknowledgement_of(external_id: str) -> str:
    incident = Incident.objects.get(social_messages__external_id=external_id)
    return SocialMessage.objects.get(incident=incident, direction=Direction.OUTBOUND).text


def publish(problem, agent, *, in_acknowledgements: bool) -> PublicKnownError:
    return public_known_error_save(
        problem=problem,
        by=agent,
        title="The VPN drops at home",
        description="Home VPN connections drop about once an hour.",
        workaround="Choose the TCP profile in the VPN app.",
        in_acknowledgements=in_acknowledgements,
    )


def test_a_matching_new_incident_is_acknowledged_with_the_public_text(known_error, agent, settings):
    settings.STATUS_BASE_URL = "https://desk.example.org"
    known = publish(known_error, agent, in_acknowledgements=True)
    deliver(tweet("t1", "@desk my VPN disconnects every hour at home"))
    text = acknowledgement_of("t1")
    assert text.startswith("Thanks Jess, we're on it: your incident is INC")
    assert "This looks like a known issue: The VPN drops at home. Workaround: Choose the TCP profile" in text
    assert text.endswith(f"https://desk.example.org/status/#known-error-{known.pk}")
    assert "AP-7" not in text  # never the internal workaround


def test_not_when_the_known_error_is_not_marked_for_acknowledgements_or_the_incident_differs(known_error, agent):
    publish(known_error, agent, in_acknowledgements=False)
    deliver(tweet("t1", "@desk my VPN disconnects every hour at home"))
    assert "known issue" not in acknowledgement_of("t1")
    publish(known_error, agent, in_acknowledgements=True)
    deliver(tweet("t2", "@desk the printer on floor 2 jams on every page", author="43", handle="@kim"))
    assert "known issue" not in acknowledgement_of("t2")


def test_not_once_the_problem_is_resolved(known_error, agent):
    publish(known_error, agent, in_acknowledgements=True)
    tickets.problem_transition(problem=known_error, actor=agent, to_status=ProblemStatus.RESOLVED, root_cause="Fixed")
    deliver(tweet("t1", "@desk my VPN disconnects every hour at home"))
    assert "known issue" not in acknowledgement_of("t1")


def test_only_agents_and_managers_mark_a_known_error_public(known_error, customer, manager):
    with pytest.raises(PermissionDenied):
        publish(known_error, customer, in_acknowledgements=True)
    assert publish(known_error, manager, in_acknowledgements=True).in_acknowledgements


def test_the_note_is_cut_at_a_word_to_fit_one_post():
    text = "Thanks Jess, we're on it: your incident is INC0000001."
    link = "https://desk.example.org/status/#known-error-1"
    note = "This looks like a known issue: VPN. " + "word " * 100
    fitted = acknowledgement_with_note(channel="twitter", text=text, note=note, link=link)
    assert fitted.startswith(text + "\n\nThis looks like a known issue: VPN. word") and fitted.endswith("… " + link)
    assert 280 - 5 <= len(fitted) - len(link) + 23 <= 280  # X counts a link as 23
    short = acknowledgement_with_note(channel="twitter", text=text, note="Known issue: VPN.", link=link)
    assert short == f"{text}\n\nKnown issue: VPN. {link}"


def test_agents_mark_a_known_error_public_from_the_problem_page(client, agent, customer, known_error):
    url = reverse("status:known_error_public", args=[known_error.number])
    client.force_login(customer)
    assert client.get(url).status_code == 403
    client.force_login(agent)
    assert url in client.get(reverse("problem_detail", args=[known_error.number])).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and INTERNAL in page.content.decode()  # shown to the agent as internal
    response = client.post(url, {"title": "VPN", "description": "It drops.", "in_acknowledgements": "on"})
    assert response.status_code == 400
    assert "Only a published known error is added to acknowledgements." in response.content.decode()
    assert not PublicKnownError.objects.exists()
    response = client.post(
        url,
        {
            "title": "The VPN drops at home",
            "description": "Home VPN connections drop about once an hour.",
            "workaround": "Choose the TCP profile.",
            "published": "on",
            "in_acknowledgements": "on",
        },
    )
    assert response.status_code == 302
    known = PublicKnownError.objects.get(problem=known_error)
    assert (known.published, known.in_acknowledgements) == (True, True)
    client.logout()
    status_page = client.get("/status/").content.decode()
    assert f'id="known-error-{known.pk}"' in status_page and "Choose the TCP profile." in status_page
    assert "AP-7" not in status_page
