"""Signals `social` sends for other apps (feedback) to act on, without importing them."""

from django.dispatch import Signal

# Inbound messages were saved (kwargs: message_ids, a list of SocialMessage ids). Sent on
# commit, once per processed batch: a receiver must not slow intake (enqueue, don't compute).
inbound_messages_stored = Signal()
