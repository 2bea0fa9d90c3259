import pytest
from django.urls import reverse

from feedback.services import sentiment_score_messages

from ..factories import UserFactory
from ..social.factories import InboundMessageFactory

pytestmark = pytest.mark.django_db


def test_scores_are_shown_and_not_edited(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    message = InboundMessageFactory(text="Brilliant, thanks")
    sentiment_score_messages(message_ids=[message.pk])
    score = message.sentiment
    changelist = reverse("admin:feedback_sentimentscore_changelist")
    assert client.get(changelist + "?channel__exact=twitter").context["cl"].result_count == 1
    change = reverse("admin:feedback_sentimentscore_change", args=[score.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"compound": "0"}).status_code == 403
    assert client.get(reverse("admin:feedback_sentimentscore_add")).status_code == 403
