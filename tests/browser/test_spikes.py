"""A spike in a real Chromium: the detector raises it from the messages, the console's banner
shows it, the agent follows it to the messages behind it and opens a major incident."""

import pytest

from intelligence.spikes.live import spikes_detect
from tests.factories import IncidentFactory, ServiceFactory

from ..intelligence.spikes.traffic import NOW, SPIKE_START, add_messages, steady_history
from .conftest import log_in
from .test_social import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def vpn_spike(settings):
    settings.SPIKE_BACKFILL_DAYS = 2
    settings.SPIKE_ALERT_EMAIL = False
    vpn = ServiceFactory(name="VPN")
    incident = IncidentFactory(title="VPN keeps dropping", service=vpn)
    steady_history(until=SPIKE_START, days=1.5)
    steady_history(until=SPIKE_START, days=1.5, incident=incident, per_interval=2)
    messages = add_messages(at=SPIKE_START, count=40, incident=incident, negative=36)
    run = spikes_detect(now=NOW)
    [alert] = [alert for alert in run.alerts if alert.service_id == vpn.pk and alert.metric == "volume"]
    return {"alert": alert, "incident": incident, "messages": messages}


def test_a_spike_banner_leads_to_its_messages_and_a_major_incident(page, agent, vpn_spike):
    alert, messages = vpn_spike["alert"], vpn_spike["messages"]
    log_in(page, "agent")
    page.goto("/incidents/")
    banner = page.get_by_role("alert", name="Spike alerts")
    banner.get_by_role("link", name="Spike in messages about VPN").wait_for()
    assert "40 messages" in banner.inner_text()
    shot(page, "spike_banner")

    banner.get_by_role("link", name="Spike in messages about VPN").click()
    page.wait_for_url(f"**/spikes/{alert.pk}/")
    page.get_by_role("heading", name="Spike in messages about VPN").wait_for()
    rows = page.locator("#spike-messages tbody tr")
    assert rows.count() == 40
    assert page.locator(f"#inbox-message-{messages[-1].pk}").is_visible()
    assert "furious" in page.locator(f"#inbox-message-{messages[0].pk}").inner_text()
    shot(page, "spike_alert_messages")

    page.get_by_role("button", name="Open a major incident").click()
    page.get_by_text("Major incident INC").wait_for()
    alert.refresh_from_db()
    assert alert.incident.major and alert.state == "acknowledged"
    assert page.get_by_role("link", name=alert.incident.number).is_visible()
    # Acknowledged: off the console's banner, where the VPN's negative mood still is.
    page.goto("/incidents/")
    banner = page.get_by_role("alert", name="Spike alerts")
    banner.get_by_role("link", name="Spike in negative messages about VPN").wait_for()
    assert banner.locator(f'a[href="/spikes/{alert.pk}/"]').count() == 0
    shot(page, "spike_alert_major_incident")
    assert page.console_errors == []
