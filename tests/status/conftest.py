"""A desk with something to suggest: the network's VPN known error published in public words,
an open major incident on the network (an outage), other people's VPN incidents with an
internal note, and a mail known error that is not published."""

import pytest

from intelligence.routing.services import service_keywords_set
from intelligence.routing.suggester import forget_loaded_model
from status.services import public_known_error_save
from tickets import services as tickets
from tickets.models import ProblemStatus, Visibility

from ..factories import IncidentFactory, ManagerFactory, ServiceFactory

INTERNAL_WORKAROUND = "Reconnect with the TCP profile; the AP-7 concentrator leaks tunnels."
INTERNAL_NOTE = "Bob's laptop has the old client, internal only."
PUBLIC_WORKAROUND = "Open the VPN app, choose Settings, then the TCP profile, and connect again."
MAIL_INTERNAL = "Restart the mail relay on host mx-2."


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    forget_loaded_model()
    yield
    forget_loaded_model()


@pytest.fixture
def desk(agent, other_customer, django_capture_on_commit_callbacks):
    network, mail = ServiceFactory(name="Network"), ServiceFactory(name="E-mail")
    service_keywords_set(service=network, keywords="vpn, wifi", actor=ManagerFactory())
    others = tickets.contact_for_user(user=other_customer)
    with django_capture_on_commit_callbacks(execute=True):
        linked = IncidentFactory(
            title="VPN disconnects every hour", description="The VPN tunnel drops at home.", service=network
        )
        theirs = IncidentFactory(
            reporter=others, title="VPN tunnel drops at home again", description="every hour", service=network
        )
        major = IncidentFactory(title="VPN concentrator down", service=network, major=True, impact=1, urgency=1)
        mail_incident = IncidentFactory(title="Outlook cannot send mail", description="stuck in the outbox")
    tickets.comment_create(incident=theirs, body=INTERNAL_NOTE, visibility=Visibility.INTERNAL, author=agent)
    vpn = tickets.problem_create(
        title="VPN concentrator drops tunnels", actor=agent, incidents=[linked], service=network
    )
    vpn = tickets.problem_transition(
        problem=vpn, actor=agent, to_status=ProblemStatus.KNOWN_ERROR, workaround=INTERNAL_WORKAROUND
    )
    public = public_known_error_save(
        problem=vpn,
        by=agent,
        title="The VPN drops every hour",
        description="Home connections lose the VPN about once an hour.",
        workaround=PUBLIC_WORKAROUND,
    )
    mail_problem = tickets.problem_create(title="Mail relay queue stuck", actor=agent, incidents=[mail_incident])
    mail_problem = tickets.problem_transition(
        problem=mail_problem, actor=agent, to_status=ProblemStatus.KNOWN_ERROR, workaround=MAIL_INTERNAL
    )
    return {
        "network": network,
        "mail": mail,
        "vpn": vpn,
        "public": public,
        "theirs": theirs,
        "major": major,
        "mail_problem": mail_problem,
    }
