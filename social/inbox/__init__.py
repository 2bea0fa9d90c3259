"""What comes in, by stage: `receive` (a platform's webhook delivery, authenticated and
parsed) and `poll` (a platform read on a schedule) hand events to `store` (stored first, once);
`claim` takes a shard's pending events in batches, `batch` turns them into incidents, comments
and messages; `replay` gives failed events another go; `redact` erases what was deleted at
the source. The tasks that run the stages are in `social.tasks`."""
