"""X (Twitter): webhooks in (`views`, `signature`, `inbound`), mentions polled (`poll`), answers
out (`outbound`, split and counted as X counts by `text`), all X API calls made through one
client (`client`). `platform` is X's side of the platform contract (`social.platforms`)."""

CHANNEL = "twitter"
