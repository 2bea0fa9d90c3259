"""CELERY_TASK_ROUTES: issue 12's judgement is sent to a queue of its own, `judgement`, so that
intake's drain and the tasks that answer people, on Celery's default queue, never wait behind
it. Checked where it matters: what lands in the real Redis broker's lists."""

import base64
import json
import os

import pytest
import redis
from celery.signals import after_task_publish
from django.conf import settings

from feedback.tasks import score_messages
from intelligence.candidates.tasks import refresh_candidates
from intelligence.routing.tasks import suggest_for_incidents, suggest_for_messages, train_service_model
from intelligence.similarity.tasks import index_incidents, index_pending
from social.tasks import process_inbox, send_outbound
from status.tasks import notify_subscribers

from ..conftest import service_missing
from ..factories import IncidentFactory
from ..social.workers import enqueue_to

JUDGEMENT = "judgement"
DEFAULT = "celery"


@pytest.fixture
def broker():
    """The suite's Redis broker, for real. Other tests and checkouts may share its database, so
    nothing is flushed: the messages this test published are found by their ids and removed."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        service_missing("Redis", "CELERY_BROKER_URL does not name a Redis server")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        service_missing("Redis", f"{url} does not answer: {error}")
    published: list[str] = []

    def remember(sender, headers, **kwargs):
        published.append(headers["id"])

    after_task_publish.connect(remember, weak=False)
    try:
        with enqueue_to(url):
            yield Broker(client, published)
    finally:
        after_task_publish.disconnect(remember)
        for queue in (DEFAULT, JUDGEMENT):
            for raw in client.lrange(queue, 0, -1):
                if json.loads(raw)["headers"]["id"] in published:
                    client.lrem(queue, 0, raw)


class Broker:
    def __init__(self, client: redis.Redis, published: list[str]):
        self.client = client
        self.published = published

    def queued(self, queue: str) -> dict[str, tuple[str, list]]:
        """What this test published that waits in `queue`: task id → (task name, its args)."""
        found = {}
        for raw in self.client.lrange(queue, 0, -1):
            message = json.loads(raw)
            task_id = message["headers"]["id"]
            if task_id in self.published:
                args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
                found[task_id] = (message["headers"]["task"], args)
        return found


def test_it_names_the_judgement_queue_and_keeps_celerys_default():
    assert settings.JUDGEMENT_QUEUE == JUDGEMENT
    assert settings.CELERY_TASK_DEFAULT_QUEUE == DEFAULT


@pytest.mark.parametrize(
    "task, args",
    [
        (suggest_for_incidents, [[1, 2]]),
        (suggest_for_messages, [[3]]),
        (index_incidents, [[4]]),
        (index_pending, []),
        (train_service_model, []),
        (refresh_candidates, []),
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_it_sends_the_judgement_to_its_own_queue(broker, task, args):
    sent = task.apply_async(args=args)
    assert broker.queued(JUDGEMENT) == {sent.id: (task.name, args)}
    assert broker.queued(DEFAULT) == {}


@pytest.mark.parametrize(
    "task, kwargs",
    [
        (process_inbox, {"shard": 0}),  # intake's drain
        (send_outbound, {"message_id": 1}),  # an answer to a person
        (score_messages, {"message_ids": [1]}),  # sentiment (issue 11), light, stays beside intake
        (notify_subscribers, {"state_change_ids": [1]}),  # the status page's e-mails (< 1 minute)
    ],
    ids=lambda value: getattr(value, "name", ""),
)
def test_it_keeps_intake_and_what_answers_people_on_the_default_queue(broker, task, kwargs):
    sent = task.apply_async(kwargs=kwargs)
    assert set(broker.queued(DEFAULT)) == {sent.id}
    assert broker.queued(JUDGEMENT) == {}


@pytest.mark.django_db
def test_a_new_incidents_suggestion_and_indexing_wait_on_the_judgement_queue(
    broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = IncidentFactory(title="VPN drops every five minutes")

    judgement = sorted(broker.queued(JUDGEMENT).values())
    assert judgement == sorted([(suggest_for_incidents.name, [[incident.pk]]), (index_incidents.name, [[incident.pk]])])
    default_queue_names = {name for name, _ in broker.queued(DEFAULT).values()}
    assert not default_queue_names & {suggest_for_incidents.name, index_incidents.name}
