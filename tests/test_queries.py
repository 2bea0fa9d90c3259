"""The query-count helper fails loudly and names the queries."""

import pytest
from django.contrib.auth.models import User

from tests.queries import assert_queries


@pytest.mark.django_db
def test_it_passes_on_the_exact_count():
    with assert_queries(2):
        User.objects.count()
        User.objects.exists()


@pytest.mark.django_db
def test_it_fails_on_another_count_and_lists_every_query():
    with pytest.raises(AssertionError) as failure, assert_queries(1):
        User.objects.count()
        list(User.objects.filter(username="nobody"))
    message = str(failure.value)
    assert message.startswith("2 queries ran, 1 expected:")
    assert "1. SELECT COUNT(*)" in message
    assert "2. SELECT" in message and "nobody" in message
