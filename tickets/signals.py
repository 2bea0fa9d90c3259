"""Signals `tickets` sends for other apps to act on, without `tickets` importing them."""

from django.dispatch import Signal

# An agent wrote a public reply on an incident (kwargs: comment). Sent inside the
# transaction that saves the comment, so a receiver's writes commit or roll back with it.
public_reply_created = Signal()
