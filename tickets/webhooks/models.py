"""Transitional (see the package): the event types are `tickets.signals.Change`."""

from ..signals import Change as WebhookEventType

__all__ = ["WebhookEventType"]
