"""Reads of webhook subscriptions and their deliveries."""

from django.db.models import QuerySet
from django.http import Http404

from .models import WebhookDelivery, WebhookSubscription


def webhook_subscription_list() -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.all()


def webhook_subscription_get(*, pk: int, for_update: bool = False) -> WebhookSubscription:
    subscriptions = WebhookSubscription.objects.all()
    if for_update:
        subscriptions = subscriptions.select_for_update()
    try:
        return subscriptions.get(pk=pk)
    except WebhookSubscription.DoesNotExist:
        raise Http404("No such webhook.") from None


def webhook_delivery_list(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).select_related("event")
