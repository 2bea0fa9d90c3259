import pytest

from intelligence.candidates.services import candidates_refresh
from tests.factories import IncidentFactory, ServiceFactory


@pytest.fixture
def indexed_incident(django_capture_on_commit_callbacks):
    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return IncidentFactory(**fields)

    return make


@pytest.fixture
def vpn_storm(indexed_incident):
    """Four people about the VPN within the hour, two about printers, one about e-mail."""
    network = ServiceFactory(name="Network")
    return {
        "vpn": [
            indexed_incident(title="VPN disconnects every hour", description="VPN tunnel drops", service=network),
            indexed_incident(
                title="VPN keeps disconnecting", description="the VPN tunnel drops again", service=network
            ),
            indexed_incident(title="VPN disconnected again", description="VPN tunnel dropped at home"),
            indexed_incident(title="VPN tunnel drops", description="VPN disconnects from home"),
        ],
        "printer": [
            indexed_incident(title="Printer jammed on floor 2", description="paper jam"),
            indexed_incident(title="Printer on floor 2 jammed", description="paper jam again"),
        ],
        "mail": indexed_incident(title="Outlook will not start", description="crashes at the splash screen"),
    }


@pytest.fixture
def proposed(vpn_storm):
    candidates_refresh()
    from intelligence.candidates.models import ProblemCandidate

    return ProblemCandidate.objects.get(state="proposed")
