"""X (Twitter): webhooks in (`views`, `signature`, `inbound`), mentions polled (`poll`), answers
out (`outbound`), all X API calls made through one client (`client`)."""
