"""Signals the intelligence app sends for other apps to act on, without importing them."""

from django.dispatch import Signal

# The spike detector raised an alert (kwargs: alert, an `intelligence.spikes.models.SpikeAlert`).
# Sent once the transaction that stored it has committed: receivers may call out (webhooks,
# e-mail) and the alert is there for them to read. The outgoing webhook event `alert.raised`
# hangs off this (`webhooks.receivers`).
alert_raised = Signal()
