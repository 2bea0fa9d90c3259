"""Bluesky, on any PDS: mentions, replies and quotes read from
`app.bsky.notification.listNotifications` (`poll`, parsed by `inbound`), answers put as reply
posts under a record key chosen before posting (`outbound`, split and counted in graphemes by
`text`), every call through one `atproto` client with its session kept (`client`). `platform`
is Bluesky's side of the platform contract (`social.platforms`)."""

CHANNEL = "bluesky"
