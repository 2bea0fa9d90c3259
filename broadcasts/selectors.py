"""Reads of broadcasts, each with what it shows fetched up front (a constant number of
queries, whatever the number of rows)."""

from django.db.models import Prefetch, QuerySet

from .models import Approval, Broadcast, BroadcastPost, BroadcastRecord


def broadcast_list() -> QuerySet[Broadcast]:
    """Newest first, with author, links, services, approvals and posts (with their outbound
    messages, for the delivery state)."""
    return (
        Broadcast.objects.select_related("created_by", "incident", "problem")
        .prefetch_related(
            "services",
            Prefetch("approvals", queryset=Approval.objects.select_related("user").order_by("created_at", "id")),
            Prefetch("posts", queryset=BroadcastPost.objects.select_related("message").order_by("channel")),
        )
        .order_by("-created_at", "-id")
    )


def broadcast_detail(*, pk: int) -> Broadcast | None:
    """One broadcast, with its whole record."""
    records = BroadcastRecord.objects.select_related("actor").order_by("created_at", "id")
    return broadcast_list().prefetch_related(Prefetch("records", queryset=records)).filter(pk=pk).first()
