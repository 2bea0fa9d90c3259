"""Transitional: the names `tickets.services` used when outgoing webhooks lived here.

Outgoing webhooks are their own app now (`webhooks`), which listens to `tickets.signals`;
these modules only turn the old calls into those signals, and go once the services call
`tickets.signals.announce_change` and `announce_redaction` themselves.
"""
