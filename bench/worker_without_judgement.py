"""A Celery worker with the judgement of issue 12 switched off, for `bench_social.py drain
--judgement off`: no intent (every new conversation opens an incident), no service suggestion
and no similar-incident indexing of what intake makes. Sentiment scoring (issue 11) stays on,
as in production. The receivers are disconnected before the pool forks, so every pool process
inherits the switch.

    .venv/bin/python bench/worker_without_judgement.py --concurrency 2
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
os.environ["TRIAGE_INTENT"] = "false"

import django

django.setup()

from social.judgement import judge, register_judge  # noqa: E402
from social.signals import inbound_messages_stored  # noqa: E402
from tickets.signals import changed  # noqa: E402

register_judge(None)
switched_off = [
    changed.disconnect(dispatch_uid="intelligence.routing.incidents_created"),
    changed.disconnect(dispatch_uid="intelligence.similarity.incidents_changed"),
    inbound_messages_stored.disconnect(dispatch_uid="intelligence.routing.messages_stored"),
]
if not all(switched_off) or judge("thanks, great job!").intent:
    sys.exit("The judgement's receivers were not all connected: this worker would measure nothing.")

from servicedesk.celery import app  # noqa: E402

app.worker_main(["worker", "--loglevel=warning", *sys.argv[1:]])
