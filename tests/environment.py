"""Environment for the test run, loaded as an early pytest plugin.

It runs before pytest-django imports the settings, so the suite needs no
environment of its own. Variables already set (DATABASE_URL, REDIS_URL on CI)
are kept.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("MODYO_VAR_DIR", tempfile.mkdtemp(prefix="modyo-admin-test-"))
os.makedirs(os.path.join(os.environ["MODYO_VAR_DIR"], "static"), exist_ok=True)
os.environ.setdefault("CACHE_KEY_PREFIX", f"modyo_admin_test_{os.getpid()}")
