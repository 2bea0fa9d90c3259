"""Facebook Pages: `signature` (X-Hub-Signature-256), `inbound` (webhook deliveries →
ParsedEvents), `views` (the webhook URL), `graph` (the one Graph API client), `outbound`
(comments and Messenger answers) and `poll` (reading the feed where no webhook is set up).
`platform` is Facebook's side of the platform contract (`social.platforms`)."""

CHANNEL = "facebook"
