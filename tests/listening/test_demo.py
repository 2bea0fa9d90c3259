"""The demo data makes the Listening page meaningful at first sight, once."""

import pytest
from django.core.management import call_command

from listening.models import HeardMessage, ListeningQuery


@pytest.mark.django_db
def test_demo_data_listens_for_something_and_heard_a_few_dozen_posts():
    call_command("demo_data", verbosity=0)
    assert ListeningQuery.objects.filter(service__name="VPN").exists()
    assert ListeningQuery.objects.filter(service__isnull=True).exists()  # the organisation's names
    heard = HeardMessage.objects.count()
    assert 24 <= heard <= 100
    assert set(HeardMessage.objects.values_list("sentiment_label", flat=True)) == {"negative", "neutral", "positive"}
    assert HeardMessage.objects.values("channel").distinct().count() >= 2
    # Praise and questions beside the complaints, each labelled on the page.
    assert {"complaint", "question", "praise", "thanks"} <= set(HeardMessage.objects.values_list("intent", flat=True))
    call_command("demo_data", verbosity=0)
    assert HeardMessage.objects.count() == heard
    assert ListeningQuery.objects.count() == 4
