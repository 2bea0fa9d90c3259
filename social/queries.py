"""Query helpers shared by social's writers."""

from django.db.models import Q


def per_channel(field: str, pairs) -> Q:
    """(channel, value) pairs as one condition: `field IN (...)` per channel. (An OR of
    hundreds of (channel, value) terms costs Django more to build than the query costs to run.)"""
    values: dict[str, set[str]] = {}
    for channel, value in pairs:
        values.setdefault(channel, set()).add(value)
    condition = Q(pk__in=[])
    for channel, wanted in values.items():
        condition |= Q(channel=channel, **{f"{field}__in": sorted(wanted)})
    return condition
