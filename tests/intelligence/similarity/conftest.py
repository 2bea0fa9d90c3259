import pytest

from tests.factories import IncidentFactory


@pytest.fixture
def indexed_incident(django_capture_on_commit_callbacks):
    """Make an incident and run its on-commit index task, as a worker would."""

    def make(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return IncidentFactory(**fields)

    return make


@pytest.fixture
def vpn_desk(indexed_incident):
    """Three VPN incidents, two printer ones, one about e-mail."""
    return {
        "vpn": indexed_incident(title="VPN disconnects every hour", description="The VPN tunnel drops at home."),
        "vpn2": indexed_incident(title="VPN keeps disconnecting", description="Tunnel drops, have to reconnect."),
        "vpn3": indexed_incident(title="Cannot connect to VPN", description="The VPN client says tunnel failed."),
        "printer": indexed_incident(title="Printer out of toner", description="Floor 2 printer."),
        "printer2": indexed_incident(title="Printer jammed on floor 2", description="Paper jam."),
        "mail": indexed_incident(title="Outlook will not start", description="Crashes at the splash screen."),
    }
