"""The REST API for integrators (/api/v1/): serializers, filters, permissions, views, urls.

Views parse the request, call one selector or service, and serialize; the conventions they
share with other apps' endpoints (errors, pagination, throttling, ETags) are in
`servicedesk.api`.
"""
