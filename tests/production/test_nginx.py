"""The example nginx site (deploy/nginx/) as nginx runs it: TLS 1.2/1.3 on 443 only, 80 redirects, proxy headers.

The site file is run unchanged but for what differs on a test machine: free
ports instead of 80 and 443, IPv4 only, a self-signed certificate per host and
the snippets' paths. Behind it, a small backend echoes the headers it receives,
and the panel's own client_ip() reads them as it would in production. Skipped
where nginx is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import RequestFactory

from activity.context import client_ip

DEPLOY = Path(__file__).resolve().parent.parent.parent / "deploy" / "nginx"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
OPENSSL = shutil.which("openssl")
HOSTS = ("admin.example.com", "api.example.com")

pytestmark = pytest.mark.skipif(not (NGINX and OPENSSL), reason="nginx and openssl are not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Echo(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server calls
        body = json.dumps({name.lower(): value for name, value in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _certificate(directory: Path, host: str) -> None:
    subprocess.run(  # noqa: S603 - a fixed command line
        [
            OPENSSL,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={host}",
            "-addext",
            f"subjectAltName=DNS:{host}",
            "-keyout",
            str(directory / f"{host}.key"),
            "-out",
            str(directory / f"{host}.fullchain.pem"),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Run nginx with the example site on free ports; yield the ports and the certificates' directory."""
    root = tmp_path_factory.mktemp("nginx")
    backend = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    for host in HOSTS:
        _certificate(root, host)
    http_port, https_port = _free_port(), _free_port()
    text = (DEPLOY / "modyo-admin.conf").read_text()
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)
    text = (
        text.replace("listen 80", f"listen 127.0.0.1:{http_port}")
        .replace("listen 443", f"listen 127.0.0.1:{https_port}")
        .replace("/etc/ssl/modyo-admin/", f"{root}/")
        .replace("/etc/nginx/snippets/", f"{DEPLOY}/")
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{backend.server_address[1]};")
    )
    (root / "site.conf").write_text(text)
    (root / "nginx.conf").write_text(
        f"pid {root}/nginx.pid;\nerror_log {root}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n include {root}/site.conf;\n}}\n"
    )
    command = [NGINX, "-p", str(root), "-c", str(root / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield {"http": http_port, "https": https_port, "certs": root}
    process.terminate()
    process.wait(timeout=10)
    backend.shutdown()


def _context(site, host: str, *, version: ssl.TLSVersion | None = None, ciphers: str | None = None):
    context = ssl.create_default_context(cafile=str(site["certs"] / f"{host}.fullchain.pem"))
    if version is not None:
        context.minimum_version = context.maximum_version = version
    if ciphers is not None:
        context.set_ciphers(ciphers)
    return context


def _get(site, host: str, path: str = "/", headers: dict | None = None, **tls):
    """GET ``path`` from ``host`` over TLS (SNI and certificate name ``host``; the socket goes to 127.0.0.1)."""
    raw = socket.create_connection(("127.0.0.1", site["https"]), timeout=5)
    tls_socket = _context(site, host, **tls).wrap_socket(raw, server_hostname=host)
    connection = http.client.HTTPConnection("127.0.0.1", site["https"], timeout=5)
    connection.sock = tls_socket
    connection.request("GET", path, headers={"Host": host, **(headers or {})})
    response = connection.getresponse()
    body = response.read()
    version, cipher = tls_socket.version(), tls_socket.cipher()[0]
    connection.close()
    return response, body, version, cipher


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
@pytest.mark.parametrize("host", HOSTS)
def test_both_hosts_answer_over_tls_1_2_and_1_3(site, host, version):
    response, _, negotiated, cipher = _get(site, host, version=version)
    assert response.status == 200
    assert negotiated == {ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]
    if version == ssl.TLSVersion.TLSv1_2:
        assert cipher.startswith("ECDHE-") and ("GCM" in cipher or "CHACHA20" in cipher)


def test_tls_1_2_without_forward_secrecy_and_aead_is_refused(site):
    # CBC with RSA key exchange: what an old client offers; the server must share no cipher with it.
    with pytest.raises(ssl.SSLError):
        _get(site, HOSTS[0], version=ssl.TLSVersion.TLSv1_2, ciphers="AES128-SHA:AES256-SHA:ECDHE-ECDSA-AES128-SHA")


def test_an_unknown_name_gets_no_handshake(site):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection(("127.0.0.1", site["https"]), timeout=5) as raw,
        pytest.raises(ssl.SSLError),
    ):
        context.wrap_socket(raw, server_hostname="other.example.net")


@pytest.mark.parametrize("host", HOSTS)
def test_port_80_only_redirects_to_https(site, host):
    connection = http.client.HTTPConnection("127.0.0.1", site["http"], timeout=5)
    connection.request("GET", "/login/?next=/team/", headers={"Host": host})
    response = connection.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == f"https://{host}/login/?next=/team/"
    connection.close()


def test_the_proxy_headers_give_the_panel_the_client_address(site, settings):
    _, body, _, _ = _get(site, HOSTS[0], headers={"X-Forwarded-For": "203.0.113.66"})
    seen = json.loads(body)
    assert seen["host"] == "admin.example.com"
    assert seen["x-forwarded-proto"] == "https"
    # nginx appended the address it saw to the one the client wrote.
    assert seen["x-forwarded-for"] == "203.0.113.66, 127.0.0.1"
    # With TRUSTED_PROXY_COUNT=1, as the site's comment says, the panel takes nginx's entry, not the forged one.
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=seen["x-forwarded-for"])
    assert client_ip(request) == "127.0.0.1"
