"""Outgoing webhooks, through a transactional outbox.

- `receivers`: listen to `tickets.signals` (tickets knows nothing of webhooks) and to
  `intelligence.signals`, and record each announced change in the outbox.
- `models`: subscriptions, the outbox (`WebhookEvent`), one `WebhookDelivery` per event and
  subscription, and the log of every attempt.
- `outbox.record_events`: writes the event and its deliveries in the transaction of the
  change it reports, or not at all; enqueues the deliveries once committed.
- `payloads`: plain functions that snapshot an incident, comment or problem as JSON, in the
  REST API's shapes (`tickets.representations`).
- `transport`: signing, and HTTP POSTs that never reach a private address.
- `services` and `selectors`: subscriptions, delivery with backoff, the sweep that
  re-enqueues what a crashed or absent worker left behind, and pruning of the old log.
- `tasks`: the Celery tasks, thin wrappers around `services`.
- `api`: /api/v1/webhooks/, subscriptions and their deliveries, for managers.
"""
