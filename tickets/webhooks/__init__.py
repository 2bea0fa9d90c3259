"""Outgoing webhooks, through a transactional outbox.

- `models`: subscriptions, the outbox (`WebhookEvent`), one `WebhookDelivery` per event and
  subscription, and the log of every attempt.
- `outbox.record_events`: called by `tickets.services` inside the transaction of each
  change; writes the event and its deliveries with that change, or not at all.
- `payloads`: plain functions that snapshot an incident, comment or problem as JSON.
- `transport`: signing, and HTTP POSTs that never reach a private address.
- `services`: subscriptions, delivery with backoff, the sweep that re-enqueues what a
  crashed or absent worker left behind, and pruning of the old log.
- `tasks`: the Celery tasks, thin wrappers around `services`.
"""
