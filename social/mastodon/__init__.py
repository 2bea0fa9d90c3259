"""Mastodon, on any instance: mentions read from the notifications API (`poll`, parsed by
`inbound`, HTML made text by `text`), answers posted as reply statuses with an Idempotency-Key
(`outbound`), every call through one Mastodon.py client (`client`). `platform` is Mastodon's
side of the platform contract (`social.platforms`)."""

CHANNEL = "mastodon"
