"""gunicorn's settings for the production image (`gunicorn servicedesk.wsgi:application`
reads this file from the working directory).

Sync workers, each serving one request at a time: right for this app only because nginx
(deploy/nginx/desk.conf.template) sits in front, reading every request whole before it
passes it on and buffering every answer for slow readers, so a worker is never left waiting
on a client. Without it, a few connections that announce a body and never send it hold every
worker until `timeout` (issue 10: /healthz took 61 s); bench/bench_slow_clients.py shows both.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# The usual rule for sync workers: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A request still running after this many seconds is a bug or a stuck call: the worker is
# replaced, and nginx (proxy_read_timeout 60 s) answers 502 meanwhile.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Workers are replaced now and then, so slow growth of a process's memory stays bounded.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
