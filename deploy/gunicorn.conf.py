"""gunicorn settings for the panel: ``gunicorn -c deploy/gunicorn.conf.py modyo_admin.wsgi:application``.

Everything that differs between machines comes from the environment, like the
panel's own settings (README, "Deploying"):

- ``GUNICORN_BIND`` (default ``127.0.0.1:8000``): where nginx (deploy/nginx/) reaches the panel.
- ``GUNICORN_WORKERS`` (default: 2 × CPUs + 1): worker processes. Every process shares its state
  through PostgreSQL and Redis (``DATABASE_URL``, ``REDIS_URL``), so any number is safe.
- ``GUNICORN_THREADS`` (default 1): threads per worker (gthread above 1).
- ``GUNICORN_TIMEOUT`` (default 30 s): a request longer than this is killed; the panel's own
  database limits (``DATABASE_STATEMENT_TIMEOUT_MS``, 30 s) answer a 503 before that.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, so a slow leak never grows for long.
max_requests = 2000
max_requests_jitter = 200

# Never load the application in the master: each worker starts its own activity sealer thread
# and database connections, which must not be shared across fork().
preload_app = False

# The client address reaches the panel in X-Forwarded-For, appended by nginx; the panel takes the
# right-most TRUSTED_PROXY_COUNT-th entry (activity.context.client_ip), not gunicorn. gunicorn only
# trusts X-Forwarded-Proto from the proxy on this machine; the panel trusts it with DJANGO_BEHIND_TLS_PROXY=1.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to standard error, collected by the service manager. Request lines carry no cookies or
# Authorization headers; links sent by email carry single-use tokens in their path (README, accepted risks).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Heartbeat files in memory, not on a disk that may stall (gunicorn's own advice); they hold no data.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
