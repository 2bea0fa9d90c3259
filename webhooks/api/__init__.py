"""The REST API of outgoing webhooks (/api/v1/webhooks/): serializers, permissions, views,
urls. The conventions it shares with the other apps' endpoints (errors, pagination,
throttling, ETags) are in `servicedesk.api`."""
