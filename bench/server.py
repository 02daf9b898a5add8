"""Whole server: gunicorn with two workers, the dashboard against Django admin's index page, same load generator."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

from bench.common import ROOT, Row

PORT = 8765
CLIENTS = 4
SECONDS = 4.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _load(session_cookies: dict, url: str, seconds: float) -> tuple[float, list[float]]:
    """Return requests/s and each request's latency (ms) of ``CLIENTS`` threads requesting ``url`` for ``seconds``."""
    import requests

    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        session = requests.Session()
        session.cookies.update(session_cookies)
        mine = []
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = session.get(url, allow_redirects=False)
            mine.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def run(*, database: str, rounds: int = 3, log=print) -> list[Row]:
    import requests

    from bench.activity_pages import _switch
    from bench.stack import _member

    _switch(database)()  # the database the server uses (another benchmark may have switched this process's)
    password = secrets.token_urlsafe(16) + "aA1!"
    user = _member("bench-server@example.com", password)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.server_settings"}
    # Django admin's table (its recent actions) in the bench database.
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command, "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "modyo_admin.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        session = requests.Session()
        page = session.get(base + "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = session.post(
            base + "/login/",
            {"username": user.email, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": base + "/login/"},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.status_code
        cookies = session.cookies.get_dict()
        urls = {"dashboard": base + "/", "admin": base + "/django-admin/"}
        for url in urls.values():
            _load(cookies, url, 1.0)  # warm-up: connections, templates
        rates: dict[str, list[float]] = {"dashboard": [], "admin": []}
        latencies: dict[str, list[float]] = {"dashboard": [], "admin": []}
        for round_ in range(rounds):
            for name in ("dashboard", "admin", "admin", "dashboard") if round_ % 2 == 0 else ("admin", "dashboard") * 2:
                rate, times = _load(cookies, urls[name], SECONDS / 2)
                rates[name].append(rate)
                latencies[name] += times
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    dashboard, admin = statistics.median(rates["dashboard"]), statistics.median(rates["admin"])
    ratios = [d / a for d, a in zip(rates["dashboard"], rates["admin"], strict=True)]
    return [
        Row(
            "11 gunicorn, 2 workers: requests/s",
            "dashboard",
            "Django admin index",
            dashboard,
            admin,
            "req/s",
            statistics.median(ratios),
            "≥ 0.9",
            statistics.median(ratios) >= 0.9,
            f"{min(ratios):.2f}–{max(ratios):.2f}",
            note=f"p99 latency: dashboard {_p99(latencies['dashboard']):.0f} ms, "
            f"admin {_p99(latencies['admin']):.0f} ms; "
            f"{CLIENTS} client threads, persistent database connections (the production default)",
        )
    ]
