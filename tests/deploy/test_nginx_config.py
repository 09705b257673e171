"""The deploy/ folder (docs/deploy.md): nginx's configuration passes `nginx -t` and, run for
real on loopback ports in front of a stand-in application, redirects, proxies and serves
files as the platform needs; the systemd units run commands that exist with arguments they
accept; the env example lists every variable the production settings read; logrotate keeps
every log file the deployment writes for at least 6 months (X03).

nginx must be installed (`apt-get install -y nginx`; .ci/run installs it): without it the
nginx tests fail, they never skip."""

import http.client
import json
import os
import pwd
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

from tests.production import BASE_ENV, REDIS_URL, run_production

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = Path("/usr/sbin/nginx")
# Where the deployment puts things (docs/deploy.md): the checkout, its env file, logs.
APP_DIR = "/srv/portal"
ENV_FILE = "/etc/portal/portal.env"
LOG_DIR = "/var/log/portal"
SITE_FILES = ["portal.conf", "portal-plain-http.conf"]
HOST = "www.czs.gov.cn"  # a name of deploy/nginx/snippets/server-names.conf
SIX_MONTHS_DAYS = 183


def read(relative):
    return (DEPLOY / relative).read_text(encoding="utf-8")


def nginx_text(site_file):
    """A site file with every snippet it includes, as nginx reads it (comments dropped)."""

    def expand(text):
        def include(match):
            name = match.group(1).removeprefix("snippets/portal/")
            return expand(read(f"nginx/snippets/{name}"))

        text = re.sub(r"(?m)^\s*#.*$", "", text)
        return re.sub(r"include\s+(snippets/portal/[\w.-]+);", include, text)

    return expand(read(f"nginx/{site_file}"))


def server_blocks(text):
    """The `server { ... }` blocks of an expanded nginx file, as text."""
    blocks, start = [], 0
    while (match := re.search(r"\bserver\s*\{", text[start:])) is not None:
        begin = start + match.end()
        depth, i = 1, begin
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        blocks.append(text[begin : i - 1])
        start = i
    return blocks


def location_block(text, prefix):
    """The body of `location <modifier> <prefix> { ... }` (nested blocks included)."""
    match = re.search(r"location\s+(?:\^~|=)?\s*" + re.escape(prefix) + r"\s*\{", text)
    assert match, f"no location {prefix}"
    depth, i = 1, match.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[match.end() : i - 1]


def size_bytes(value):
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", value.lower()).groups()
    return int(number) * units[unit]


def require_nginx():
    if not NGINX.exists():
        pytest.fail(f"{NGINX} is missing: install nginx (apt-get install -y nginx); .ci/run does")


# --- The nginx configuration, installed into a temporary prefix -------------------------


def self_signed_certificate(folder, names):
    """A fresh key and self-signed certificate for `names` (fullchain.pem, privkey.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True)
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "fullchain.pem"


def server_names():
    text = re.sub(r"(?m)#.*$", "", read("nginx/snippets/server-names.conf"))
    return re.search(r"server_name\s+([^;]+);", text).group(1).split()


def install_nginx(prefix, site_file, replace=()):
    """deploy/nginx installed under `prefix` as docs/deploy.md installs it under /etc/nginx
    (snippets in snippets/portal/, the site file in sites-enabled/), inside a minimal
    nginx.conf whose pid, logs and temporary files stay in the prefix; the installation's
    absolute paths (logs, certificate, checkout, ACME folder) point into the prefix too,
    and `replace` holds further (old, new) text substitutions. Returns nginx.conf's path."""
    conf = prefix / "conf"
    (conf / "snippets" / "portal").mkdir(parents=True)
    (conf / "sites-enabled").mkdir()
    for folder in ("logs", "temp", "srv", "srv/var", "acme"):
        (prefix / folder).mkdir(exist_ok=True)
    self_signed_certificate(prefix / "tls", server_names())
    paths = [
        (f"{LOG_DIR}/", f"{prefix}/logs/"),
        ("/etc/portal/tls/", f"{prefix}/tls/"),
        (f"{APP_DIR}/", f"{prefix}/srv/"),
        ("/var/www/portal-acme", f"{prefix}/acme"),
        *replace,
    ]

    def install(source, target):
        text = source.read_text(encoding="utf-8")
        for old, new in paths:
            text = text.replace(old, new)
        target.write_text(text, encoding="utf-8")

    for snippet in (DEPLOY / "nginx" / "snippets").glob("*.conf"):
        install(snippet, conf / "snippets" / "portal" / snippet.name)
    install(DEPLOY / "nginx" / site_file, conf / "sites-enabled" / site_file)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read the prefix as its owner
    temp = "".join(
        f"    {kind}_temp_path {prefix}/temp/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (conf / "nginx.conf").write_text(
        f"{user}pid {prefix}/nginx.pid;\n"
        f"error_log {prefix}/logs/error.log warn;\n"
        "worker_processes 1;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"{temp}"
        f"    access_log {prefix}/logs/access.log;\n"
        f"    include sites-enabled/{site_file};\n"
        "}\n",
        encoding="utf-8",
    )
    return conf / "nginx.conf"


def nginx_command(prefix, conf, *args):
    return [str(NGINX), "-p", f"{prefix}/", "-c", str(conf), "-e", f"{prefix}/logs/error.log", *args]


@pytest.mark.parametrize("site_file", SITE_FILES)
def test_nginx_accepts_the_configuration(tmp_path, site_file):
    """`nginx -t` on the files as installed, with a fresh self-signed certificate."""
    require_nginx()
    conf = install_nginx(tmp_path, site_file)
    result = subprocess.run(nginx_command(tmp_path, conf, "-t"), capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
    # Not even a warning (a duplicate directive, an ignored parameter, ...).
    assert "[warn]" not in result.stderr and "[emerg]" not in result.stderr, result.stderr


# --- The configuration run for real ---------------------------------------------------


class StandIn(BaseHTTPRequestHandler):
    """The application: answers every request with what it received, as JSON, and sends
    an HSTS header of its own (nginx must replace it, not add a second) and the
    Cache-Control of a public page."""

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        received = 0
        while received < length:
            received += len(self.rfile.read(min(length - received, 1 << 20)))
        body = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_bytes": received,
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Strict-Transport-Security", "max-age=1")
        # As the application marks public pages (config/http_cache.py).
        self.send_header("Cache-Control", "public, no-cache")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = answer

    def log_message(self, format, *args):
        pass


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


class Running:
    """nginx in the foreground on loopback ports (the listeners of 80 and 443 moved to
    127.0.0.1 and [::1]), in front of the stand-in application on its own port."""

    def __init__(self, prefix, site_file):
        self.prefix = prefix
        self.app = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        threading.Thread(target=self.app.serve_forever, daemon=True).start()
        self.http, self.https = free_port(), free_port()
        listen = [
            ("listen 80 ", f"listen 127.0.0.1:{self.http} "),
            ("listen 80;", f"listen 127.0.0.1:{self.http};"),
            ("listen [::]:80 ", f"listen [::1]:{self.http} "),
            ("listen [::]:80;", f"listen [::1]:{self.http};"),
            ("listen 443 ", f"listen 127.0.0.1:{self.https} "),
            ("listen [::]:443 ", f"listen [::1]:{self.https} "),
            ("server 127.0.0.1:8001;", f"server 127.0.0.1:{self.app.server_port};"),
        ]
        self.conf = install_nginx(prefix, site_file, listen)
        self.process = subprocess.Popen(  # noqa: S603
            nginx_command(prefix, self.conf, "-g", "daemon off;"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.http), timeout=1).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(self.process.stderr.read().decode()) from None
                time.sleep(0.05)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.app.shutdown()
        self.app.server_close()

    def request(self, method, path, host=HOST, tls=False, address="127.0.0.1", body=None, headers=None):
        """(status, headers as a list of pairs, body) of one request."""
        port = self.https if tls else self.http
        sock = socket.create_connection((address, port), timeout=10)
        if tls:
            context = ssl.create_default_context(cafile=str(self.prefix / "tls" / "fullchain.pem"))
            sock = context.wrap_socket(sock, server_hostname=host)
        connection = http.client.HTTPConnection(host, port, timeout=10)
        connection.sock = sock
        try:
            connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


def logged(path, pattern):
    """The last line of the log file at `path` matching `pattern` (nginx writes a request's
    line after sending its answer: waits a little for it)."""
    deadline = time.monotonic() + 5
    while True:
        lines = path.read_text().splitlines() if path.exists() else []
        matching = [line for line in lines if re.search(pattern, line)]
        if matching or time.monotonic() > deadline:
            assert matching, f"no line matching {pattern!r} in {path}: {lines[-5:]}"
            return matching[-1]
        time.sleep(0.05)


def header(headers, name):
    values = [v for k, v in headers if k.lower() == name.lower()]
    assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
    return values[0] if values else None


HSTS = "max-age=31536000; includeSubDomains; preload"


@pytest.fixture
def nginx(tmp_path):
    require_nginx()
    if not ipv6_loopback():
        pytest.fail("no IPv6 loopback (::1): the IPv6 listeners cannot be exercised here")
    running = Running(tmp_path, "portal.conf")
    yield running
    running.stop()


def test_plain_http_is_redirected_to_https(nginx):
    status, headers, _ = nginx.request("GET", "/xxgk/zcwj/?page=2")
    assert status == 301
    assert header(headers, "Location") == f"https://{HOST}/xxgk/zcwj/?page=2"
    # The same over IPv6.
    status, headers, _ = nginx.request("GET", "/", address="::1")
    assert (status, header(headers, "Location")) == (301, f"https://{HOST}/")


def test_acme_challenges_and_health_answer_over_plain_http(nginx):
    challenge = nginx.prefix / "acme" / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True)
    (challenge / "token-123").write_text("token-123.thumbprint")
    status, _, body = nginx.request("GET", "/.well-known/acme-challenge/token-123")
    assert (status, body) == (200, b"token-123.thumbprint")

    status, _, body = nginx.request("GET", "/healthz/")
    assert status == 200
    received = json.loads(body)
    assert received["path"] == "/healthz/"
    assert received["headers"]["x-forwarded-proto"] == "http"
    # Load balancers ask by address: the health endpoint answers any Host, over IPv6 too,
    # and over HTTPS; probes are not logged.
    status, _, body = nginx.request("GET", "/healthz/", host="127.0.0.1")
    assert status == 200 and json.loads(body)["path"] == "/healthz/"
    status, _, body = nginx.request("GET", "/healthz/", host="[::1]", address="::1")
    assert status == 200 and json.loads(body)["path"] == "/healthz/"
    status, _, body = nginx.request("GET", "/healthz/", tls=True)
    assert status == 200 and json.loads(body)["headers"]["x-forwarded-proto"] == "https"
    nginx.request("GET", "/logged/")
    logged(nginx.prefix / "logs" / "nginx-access.log", r'"GET /logged/ ')
    assert "/healthz/" not in (nginx.prefix / "logs" / "nginx-access.log").read_text()


def test_unknown_hosts_get_no_answer(nginx):
    with pytest.raises(http.client.RemoteDisconnected):
        nginx.request("GET", "/", host="evil.example.com")
    with pytest.raises(ssl.SSLError):
        nginx.request("GET", "/", host="evil.example.com", tls=True)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_https_proxies_to_the_application(nginx, address):
    status, headers, body = nginx.request(
        "POST",
        "/api/v1/items/?q=1",
        tls=True,
        address=address,
        body=b"x" * 1000,
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"},
    )
    assert status == 200
    received = json.loads(body)
    assert received["method"] == "POST" and received["path"] == "/api/v1/items/?q=1"
    assert received["headers"]["host"] == HOST
    # nginx's scheme, whatever the client claimed; the address nginx saw appended last
    # (TRUSTED_PROXY_COUNT=1 takes it, sites/client_address.py).
    assert received["headers"]["x-forwarded-proto"] == "https"
    assert received["headers"]["x-forwarded-for"] == f"203.0.113.9, {address}"
    assert received["body_bytes"] == 1000
    # One HSTS header, nginx's: the application's copy is dropped.
    assert header(headers, "Strict-Transport-Security") == HSTS


def test_request_bodies_follow_the_upload_policy(nginx):
    public = settings.LETTER_ATTACHMENTS * settings.LETTER_ATTACHMENT_MAX_BYTES + 1024 * 1024
    status, _, body = nginx.request("POST", "/hdjl/write/", tls=True, body=b"x" * public)
    assert status == 200 and json.loads(body)["body_bytes"] == public
    # More than a public form takes is refused by nginx; the admin takes it.
    too_big = 25 * 1024 * 1024
    status, headers, _ = nginx.request("POST", "/hdjl/write/", tls=True, body=b"x" * too_big)
    assert status == 413
    assert header(headers, "Strict-Transport-Security") == HSTS
    status, _, body = nginx.request("POST", "/admin/images/multiple/add/", tls=True, body=b"x" * too_big)
    assert status == 200 and json.loads(body)["body_bytes"] == too_big
    logged(nginx.prefix / "logs" / "admin-access.log", r'"POST /admin/images/multiple/add/ HTTP/1.1" 200 ')
    # Public requests are not in the admin log.
    assert "/hdjl/write/" not in (nginx.prefix / "logs" / "admin-access.log").read_text()


def test_static_files(nginx):
    static = nginx.prefix / "srv" / "var" / "static" / "css"
    static.mkdir(parents=True)
    (static / "site.css").write_text("body{}")
    (static / "site.0123456789ab.css").write_text("body{color:red}")
    (static / "site.0123456789ab.css.gz").write_bytes(b"gzipped")

    status, headers, body = nginx.request("GET", "/static/css/site.0123456789ab.css", tls=True)
    assert (status, body) == (200, b"body{color:red}")
    assert header(headers, "Cache-Control") == "public, max-age=31536000, immutable"
    assert header(headers, "Strict-Transport-Security") == HSTS
    assert header(headers, "X-Content-Type-Options") == "nosniff"
    status, headers, body = nginx.request(
        "GET", "/static/css/site.0123456789ab.css", tls=True, headers={"Accept-Encoding": "gzip"}
    )
    assert (status, body, header(headers, "Content-Encoding")) == (200, b"gzipped", "gzip")

    status, headers, _ = nginx.request("GET", "/static/css/site.css", tls=True)
    assert status == 200
    assert header(headers, "Cache-Control") == "public, max-age=3600"
    assert header(headers, "Strict-Transport-Security") == HSTS
    status, _, _ = nginx.request("GET", "/static/css/missing.css", tls=True)
    assert status == 404


def test_media_serves_only_public_folders(nginx):
    media = nginx.prefix / "srv" / "var" / "media"
    for relative in (
        "images/a.fill-400x300.jpg",
        "original_images/a.jpg",
        "avatar_images/avatar_x.png",
        "broadcasts/2026/show.mp4",
        "broadcasts/2026/show.vtt",
        "documents/report.pdf",
        "letters/2026/01/0123abcd.pdf",
    ):
        (media / relative).parent.mkdir(parents=True, exist_ok=True)
        (media / relative).write_bytes(b"content of " + relative.encode())

    for path, content_type in (
        ("/media/images/a.fill-400x300.jpg", "image/jpeg"),
        ("/media/original_images/a.jpg", "image/jpeg"),
        ("/media/avatar_images/avatar_x.png", "image/png"),
        ("/media/broadcasts/2026/show.mp4", "video/mp4"),
        ("/media/broadcasts/2026/show.vtt", "text/vtt"),
    ):
        status, headers, _ = nginx.request("GET", path, tls=True)
        assert status == 200, path
        assert header(headers, "Content-Type") == content_type
        assert header(headers, "X-Content-Type-Options") == "nosniff"
        assert header(headers, "Content-Security-Policy") == "default-src 'none'; sandbox"
        assert header(headers, "Strict-Transport-Security") == HSTS
        assert header(headers, "Cache-Control").startswith("public, max-age=")
    # Videos can be sought.
    status, headers, body = nginx.request(
        "GET", "/media/broadcasts/2026/show.mp4", tls=True, headers={"Range": "bytes=0-6"}
    )
    assert (status, body) == (206, b"content")
    # Documents go through Wagtail's view, letter attachments through the admin: never raw.
    for path in ("/media/documents/report.pdf", "/media/letters/2026/01/0123abcd.pdf", "/media/"):
        status, _, body = nginx.request("GET", path, tls=True)
        assert status == 404, path
        assert b"content of" not in body


def test_access_log_has_timings(nginx):
    nginx.request("GET", "/timed/", tls=True)
    line = logged(nginx.prefix / "logs" / "nginx-access.log", r'"GET /timed/ HTTP/1.1"')
    assert re.search(
        rf'"GET /timed/ HTTP/1.1" 200 \d+ "-" "[^"]*" rt=[\d.]+ urt=[\d.]+ host={HOST}$', line
    ), line


def test_plain_http_rehearsal_serves_without_redirect_or_hsts(tmp_path):
    require_nginx()
    running = Running(tmp_path, "portal-plain-http.conf")
    try:
        status, headers, body = running.request("GET", "/", headers={"X-Forwarded-Proto": "https"})
        assert status == 200
        assert json.loads(body)["headers"]["x-forwarded-proto"] == "http"
        assert header(headers, "Strict-Transport-Security") == "max-age=1"  # the stand-in's own
        static = tmp_path / "srv" / "var" / "static"
        static.mkdir(parents=True)
        (static / "a.css").write_text("a{}")
        status, headers, _ = running.request("GET", "/static/a.css")
        assert status == 200 and header(headers, "Strict-Transport-Security") is None
    finally:
        running.stop()


# --- The configuration's text ---------------------------------------------------------


def test_listeners_ipv4_and_ipv6():
    servers = server_blocks(nginx_text("portal.conf"))
    listens = [set(re.findall(r"listen\s+([^;]+);", block)) for block in servers]
    assert {"80", "[::]:80"} in listens  # the redirecting server
    assert {"443 ssl http2", "[::]:443 ssl http2"} in listens  # the cluster
    assert {"80 default_server", "[::]:80 default_server"} in listens
    assert {"443 ssl http2 default_server", "[::]:443 ssl http2 default_server"} in listens
    plain = [
        set(re.findall(r"listen\s+([^;]+);", b)) for b in server_blocks(nginx_text("portal-plain-http.conf"))
    ]
    assert {"80", "[::]:80"} in plain


def test_redirect_hsts_and_proxy_headers():
    text = nginx_text("portal.conf")
    http_server, https_server = (
        next(b for b in server_blocks(text) if re.search(rf"listen\s+{listen};", b))
        for listen in ("80", r"443 ssl http2")
    )
    assert "return 301 https://$host$request_uri;" in location_block(http_server, "/")
    assert "root /var/www/portal-acme;" in location_block(http_server, "/.well-known/acme-challenge/")
    # /healthz/: proxied (over HTTP too), for internal networks only, in every server.
    for server in server_blocks(text):
        if "/healthz/" in server:
            health = location_block(server, "/healthz/")
            assert "proxy_pass http://portal_app;" in health
            assert health.index("allow 127.0.0.1;") < health.index("deny all;")
            assert "access_log off;" in health
    assert sum("location = /healthz/" in server for server in server_blocks(text)) == 3
    assert "ssl_certificate     /etc/portal/tls/fullchain.pem;" in https_server
    assert "ssl_certificate_key /etc/portal/tls/privkey.pem;" in https_server
    assert "proxy_hide_header Strict-Transport-Security;" in https_server
    assert "add_header Strict-Transport-Security $portal_hsts always;" in https_server
    assert f'https   "{HSTS}";' in text
    # The same max-age as Django's own default (config/settings/production.py).
    production = (ROOT / "config" / "settings" / "production.py").read_text()
    assert 'os.environ.get("DJANGO_HSTS_SECONDS", "31536000")' in production
    proxy = read("nginx/snippets/proxy.conf")
    for line in (
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    ):
        assert line in proxy
    # gunicorn's address is the unit's --bind.
    assert "server 127.0.0.1:8001;" in read("nginx/snippets/http.conf")
    assert "--bind 127.0.0.1:8001" in read("systemd/portal-gunicorn.service")


def test_static_and_media_roots_match_the_settings():
    """nginx's roots are the settings' folders for a checkout at APP_DIR."""
    text = nginx_text("portal.conf")
    static_root = Path(settings.STATIC_ROOT).relative_to(settings.BASE_DIR)
    media_root = Path(settings.MEDIA_ROOT).relative_to(settings.BASE_DIR)
    static = location_block(text, "/static/")
    root = re.search(r"root\s+(\S+);", static).group(1)
    assert Path(root) / settings.STATIC_URL.strip("/") == Path(APP_DIR) / static_root
    assert "gzip_static on;" in static
    assert "max-age=31536000, immutable" in static
    for folder in ("images", "original_images", "avatar_images", "broadcasts"):
        block = location_block(text, f"{settings.MEDIA_URL}{folder}/")
        root = re.search(r"root\s+(\S+);", block).group(1)
        assert Path(root) / settings.MEDIA_URL.strip("/") == Path(APP_DIR) / media_root
    assert "return 404;" in location_block(text, settings.MEDIA_URL)


def test_body_sizes_cover_the_largest_uploads():
    text = nginx_text("portal.conf")
    https_server = next(b for b in server_blocks(text) if re.search(r"listen\s+443 ssl http2;", b))
    public = size_bytes(re.search(r"(?m)^\s*client_max_body_size\s+(\w+);", https_server).group(1))
    admin = size_bytes(re.search(r"client_max_body_size\s+(\w+);", location_block(text, "/admin/")).group(1))
    assert public >= settings.LETTER_ATTACHMENTS * settings.LETTER_ATTACHMENT_MAX_BYTES
    largest = max(
        settings.BROADCAST_VIDEO_MAX_SIZE,
        settings.WAGTAILDOCS_MAX_UPLOAD_SIZE,
        settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
    )
    assert admin >= largest
    assert admin <= 2 * largest  # not unlimited


def test_every_log_nginx_writes_is_under_the_log_folder():
    for site_file in SITE_FILES:
        text = nginx_text(site_file)
        for path in re.findall(r"(?:access_log|error_log)\s+([^\s;]+)", text):
            assert path.startswith(f"{LOG_DIR}/") or path == "off", path
        # Every access log in the timed format.
        assert re.findall(r"access_log\s+/\S+\s+(\S+);", text) == ["portal_timed"] * len(
            re.findall(r"access_log\s+/", text)
        )
    log_format = re.search(r"log_format portal_timed ([^;]+);", nginx_text("portal.conf")).group(1)
    for variable in (
        "$remote_addr",
        "$time_local",
        "$request",
        "$status",
        "$request_time",
        "$upstream_response_time",
    ):
        assert variable in log_format


# --- systemd ----------------------------------------------------------------------------


def unit(name):
    """A unit file as {section: {key: [values]}} (continued lines joined)."""
    text = read(f"systemd/{name}").replace("\\\n", " ")
    sections, current = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


SERVICES = ["portal-gunicorn.service", "portal-worker@.service", "portal-clock.service"]


def exec_start(name):
    (command,) = unit(name)["Service"]["ExecStart"]
    return command.split()


def test_units_run_as_portal_and_restart():
    for name in SERVICES:
        service = unit(name)["Service"]
        assert service["User"] == ["portal"] and service["Group"] == ["portal"]
        assert service["Restart"] == ["on-failure"]
        assert service["EnvironmentFile"] == [ENV_FILE]
        assert service["WorkingDirectory"] == [APP_DIR]
        assert "DJANGO_SETTINGS_MODULE=config.settings.production" in service["Environment"]
        assert service["StandardError"] == ["journal"]
        assert unit(name)["Unit"]["PartOf"] == ["portal.target"]
        assert unit(name)["Install"]["WantedBy"] == ["portal.target"]
        assert exec_start(name)[0].startswith(f"{APP_DIR}/.venv/bin/")
    assert unit("portal.target")["Install"]["WantedBy"] == ["multi-user.target"]
    # The clock is one unit, not a template; nothing pulls in a second one.
    assert not any("clock@" in path.name for path in (DEPLOY / "systemd").iterdir())


def test_units_manage_commands_exist_and_accept_their_arguments():
    """Every `manage.py <command> <args>` of the units, under the production settings:
    the command exists (get_commands()) and its parser accepts the arguments."""
    commands = []
    for name in SERVICES:
        argv = exec_start(name)
        if argv[1:2] == ["manage.py"]:
            assert argv[0] == f"{APP_DIR}/.venv/bin/python"
            commands.append([a.replace("%i", "1") for a in argv[2:]])
    assert {c[0] for c in commands} == {"rqworker", "run_clock"}
    script = (
        "import django\n"
        "django.setup()\n"
        "from django.core.management import get_commands, load_command_class\n"
        f"commands = {commands!r}\n"
        "available = get_commands()\n"
        "for name, *args in commands:\n"
        "    assert name in available, f'no command {name}'\n"
        "    load_command_class(available[name], name).create_parser('manage.py', name).parse_args(args)\n"
        "print('ok')\n"
    )
    result = run_production(script, REDIS_URL=REDIS_URL)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
    # The RQ workers run django-tasks-rq's jobs from the queue production's TASKS uses.
    worker = exec_start("portal-worker@.service")
    assert worker[worker.index("--job-class") + 1] == "django_tasks_rq.Job"
    assert "--with-scheduler" in worker and worker[-1] == "default"


def test_gunicorn_unit_arguments_load_the_application(tmp_path):
    """gunicorn --check-config with the unit's arguments (${VARS} from its Environment=
    defaults) loads config.wsgi under the production settings."""
    service = unit("portal-gunicorn.service")["Service"]
    defaults = dict(pair.split("=", 1) for line in service["Environment"] for pair in line.split())
    argv = [
        re.sub(r"\$\{(\w+)\}", lambda m: defaults[m.group(1)], a)
        for a in exec_start("portal-gunicorn.service")
    ]
    assert argv[0] == f"{APP_DIR}/.venv/bin/gunicorn" and argv[1] == "config.wsgi:application"
    argv[0] = str(Path(sys.executable).parent / "gunicorn")
    argv = [a.replace("/run/portal-gunicorn/", f"{tmp_path}/") for a in argv]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CSP_"))}
    result = subprocess.run(  # noqa: S603
        [*argv, "--check-config"],
        env=env | BASE_ENV | {"REDIS_URL": REDIS_URL},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    # Every ${VAR} of the unit has a default in the unit, listed in the env example.
    example = read("portal.env.example")
    for variable in re.findall(r"\$\{(\w+)\}", " ".join(service["ExecStart"])):
        assert variable in defaults
        assert re.search(rf"(?m)^#?{variable}=", example), variable


# --- The environment file ---------------------------------------------------------------

READ_PATTERN = re.compile(r"""(?:_require|environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")


def variables_read(path):
    return set(READ_PATTERN.findall((ROOT / path).read_text()))


def test_env_example_lists_every_variable_the_settings_read():
    example = read("portal.env.example")
    listed = set(re.findall(r"(?m)^#?([A-Z][A-Z0-9_]*)=", example))
    active = dict(re.findall(r"(?m)^([A-Z][A-Z0-9_]*)=(.*)$", example))
    production = variables_read("config/settings/production.py")
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SECURE_SSL_REDIRECT"} <= production
    # production.py imports base.py: its variables are production's too (SQLite's aside).
    base = variables_read("config/settings/base.py") - {"SQLITE_PATH"}
    assert "API_ANON_RATE" in base and "TRUSTED_PROXY_COUNT" in base
    assert production | base <= listed, sorted((production | base) - listed)
    # What production requires is set, not commented out; proxies are counted.
    required = set(
        re.findall(
            r"""_require\(\s*["']([A-Z0-9_]+)["']""", (ROOT / "config/settings/production.py").read_text()
        )
    )
    assert required <= set(active), sorted(required - set(active))
    assert active["TRUSTED_PROXY_COUNT"] == "1"
    assert active["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    # Hostnames: the same as nginx's.
    assert active["DJANGO_ALLOWED_HOSTS"].split(",") == server_names()
    # No real secret: every secret-looking value is a placeholder.
    for name, value in re.findall(r"(?m)^#?([A-Z][A-Z0-9_]*)=(.*)$", example):
        if re.search(r"SECRET|PASSWORD|KEY_ID|ACCESS_KEY|MASTER", name):
            assert "CHANGE-ME" in value, name
    assert "CHANGE-ME" in active["DATABASE_URL"]


def test_portal_manage_exports_the_env_file_as_written(tmp_path):
    """deploy/bin/portal-manage reads the env file line by line, without shell expansion,
    and runs manage.py from the checkout with it."""
    secret = "s3cr3t-$HOME-`id`-&(x)-" + "y" * 40
    env_file = tmp_path / "portal.env"
    env_file.write_text(
        "# a comment\n\n"
        "DJANGO_SETTINGS_MODULE=config.settings.production\n"
        f"DJANGO_SECRET_KEY={secret}\n"
        "DJANGO_ALLOWED_HOSTS=www.example.gov.cn\n"
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/unused\n"
        f"REDIS_URL={REDIS_URL}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    result = subprocess.run(  # noqa: S603
        [
            str(DEPLOY / "bin" / "portal-manage"),
            "shell",
            "--no-imports",
            "-c",
            "import os; from django.conf import settings; print(os.environ['DJANGO_SECRET_KEY'] == settings.SECRET_KEY, settings.SECRET_KEY)",
        ],
        env=env
        | {
            "PORTAL_ENV_FILE": str(env_file),
            "PORTAL_APP_DIR": str(ROOT),
            "PORTAL_USER": pwd.getpwuid(os.geteuid()).pw_name,
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == f"True {secret}"


# --- Log rotation -----------------------------------------------------------------------


def logrotate_blocks():
    """[(paths, {directive: argument})] of deploy/logrotate/portal."""
    text = re.sub(r"(?m)^\s*#.*$", "", read("logrotate/portal"))
    text = re.sub(r"postrotate.*?endscript", "", text, flags=re.S)
    blocks = []
    for paths, body in re.findall(r"([^{}]+)\{([^}]*)\}", text):
        directives = {}
        for line in body.strip().splitlines():
            word, _, argument = line.strip().partition(" ")
            directives[word] = argument
        blocks.append((paths.split(), directives))
    return blocks


def test_logs_are_kept_six_months():
    days_per = {"daily": 1, "weekly": 7, "monthly": 31}
    rotated = set()
    for paths, directives in logrotate_blocks():
        (period,) = [p for p in days_per if p in directives]
        # Rotations kept x their period (a day without a line is not rotated: longer still).
        assert int(directives["rotate"]) * days_per[period] >= SIX_MONTHS_DAYS, paths
        assert "compress" in directives and "maxage" not in directives
        rotated.update(paths)
    # Every file the deployment writes is rotated: nginx's logs, and rsyslog's copies of
    # the units' output.
    written = set()
    for site_file in SITE_FILES:
        written |= set(re.findall(r"(?:access_log|error_log)\s+(/\S+?)[\s;]", nginx_text(site_file)))
    written |= set(re.findall(r'file="(/[^"]+)"', read("rsyslog/30-portal.conf")))
    assert {f"{LOG_DIR}/nginx-access.log", f"{LOG_DIR}/admin-access.log", f"{LOG_DIR}/app.log"} <= written
    assert written == rotated, (written, rotated)
    # The units' names rsyslog sorts are the units' SyslogIdentifier.
    rsyslog = read("rsyslog/30-portal.conf")
    for name in SERVICES:
        (identifier,) = unit(name)["Service"]["SyslogIdentifier"]
        assert identifier.removesuffix("-%i") in rsyslog, identifier


def test_deploy_doc_describes_the_files():
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for path in sorted(DEPLOY.rglob("*")):
        if path.is_file():
            assert str(path.relative_to(ROOT)) in doc or path.name in doc, path
    for words in ("DJANGO_SECURE_SSL_REDIRECT=0", "API_ANON_RATE", "collectstatic", "provision_site", "IPv6"):
        assert words in doc, words


def publish_file(nginx, path, text):
    """A published page's file where static publishing writes it (PUBLISHED_ROOT is
    /srv/portal/var/published in the installed configuration)."""
    folder = nginx.prefix / "srv" / "var" / "published" / HOST / path.strip("/")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(text, encoding="utf-8")


PAGE = '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src \'self\'"></head><body>已发布的页面</body></html>'


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_published_pages_are_served_from_their_files(nginx, address):
    publish_file(nginx, "/gzdt/item/", PAGE)
    publish_file(nginx, "/", PAGE.replace("已发布的页面", "首页"))
    status, headers, body = nginx.request("GET", "/gzdt/item/", tls=True, address=address)
    assert status == 200 and body.decode() == PAGE  # the file, not the application's JSON
    assert header(headers, "Content-Type") == "text/html; charset=utf-8"
    assert header(headers, "Cache-Control") == "no-cache"
    assert header(headers, "Vary") == "Cookie"
    assert header(headers, "Strict-Transport-Security") == HSTS
    assert "frame-ancestors 'self'" in header(headers, "Content-Security-Policy")
    assert header(headers, "X-Content-Type-Options") == "nosniff"
    assert header(headers, "ETag")
    status, _headers, body = nginx.request("GET", "/", tls=True, address=address)
    assert body.decode().endswith("<body>首页</body></html>")
    # Revalidation is a 304 from nginx.
    etag = header(headers, "ETag")
    status, _headers, body = nginx.request("GET", "/gzdt/item/", tls=True, headers={"If-None-Match": etag})
    assert status == 304 and body == b""


@pytest.mark.parametrize(
    ("method", "path", "cookie"),
    [
        ("POST", "/gzdt/item/", ""),  # forms
        ("GET", "/gzdt/item/?page=2", ""),  # query strings
        ("GET", "/gzdt/item/", "sessionid=abc"),  # a signed-in editor (the userbar)
        ("GET", "/gzdt/item/", "csrftoken=x; a11y_mode=text"),  # another reading mode
        ("GET", "/gzdt/other/", ""),  # no file: not published as one
    ],
)
def test_everything_else_reaches_the_application(nginx, method, path, cookie):
    publish_file(nginx, "/gzdt/item/", PAGE)
    headers = {"Cookie": cookie} if cookie else {}
    status, _headers, body = nginx.request(method, path, tls=True, headers=headers)
    assert status == 200
    assert json.loads(body)["path"] == path


def test_later_list_pages_are_kept_for_a_short_while(nginx):
    first = nginx.request("GET", "/gzdt/?page=3", tls=True)
    second = nginx.request("GET", "/gzdt/?page=3", tls=True)
    assert header(first[1], "X-Portal-Cache") == "MISS"
    assert header(second[1], "X-Portal-Cache") == "HIT" and second[2] == first[2]
    assert header(second[1], "Strict-Transport-Security") == HSTS
    # Signed in, or any other query: never from that cache.
    signed_in = nginx.request("GET", "/gzdt/?page=3", tls=True, headers={"Cookie": "sessionid=abc"})
    assert header(signed_in[1], "X-Portal-Cache") == "BYPASS"
    search = nginx.request("GET", "/search/?q=1", tls=True)
    search_again = nginx.request("GET", "/search/?q=1", tls=True)
    assert (
        header(search_again[1], "X-Portal-Cache") == "BYPASS"
        and header(search[1], "X-Portal-Cache") == "BYPASS"
    )
