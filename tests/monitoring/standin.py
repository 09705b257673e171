"""An HTTP stand-in on 127.0.0.1 for the monitor's tests: serves planted answers by path
(status, body, content type, delay) and passes every other request to an upstream (the
live server of the platform), optionally rewriting the page on its way, the way a defaced
server or a broken CDN would."""

import http.server
import threading
import time
import urllib.request
from dataclasses import dataclass


@dataclass
class Planted:
    status: int = 200
    body: str | bytes = ""  # str goes out as UTF-8
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0


class StandIn:
    """`routes` maps a path to a Planted answer; `rewrite` maps a path to a function of the
    upstream body (str → str); `upstream` is "http://127.0.0.1:PORT" or None (then any
    other path is a 404)."""

    def __init__(self, upstream=None):
        self.routes = {}
        self.rewrite = {}
        self.upstream = upstream
        self.requests = []
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                standin.requests.append((self.headers.get("Host", ""), self.path))
                planted = standin.routes.get(self.path)
                if planted is None and standin.upstream:
                    planted = standin._forward(self.path, self.headers.get("Host", ""))
                planted = planted or Planted(404, "not found", "text/plain")
                if planted.delay:
                    time.sleep(planted.delay)
                data = planted.body if isinstance(planted.body, bytes) else planted.body.encode("utf-8")
                try:
                    self.send_response(planted.status)
                    self.send_header("Content-Type", planted.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the monitor gave up waiting (a planted timeout)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _forward(self, path, host):
        request = urllib.request.Request(self.upstream + path, headers={"Host": host})  # noqa: S310 - 127.0.0.1
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, body = response.status, response.read().decode("utf-8", "replace")
                content_type = response.headers.get("Content-Type", "text/html")
        except urllib.error.HTTPError as error:
            status, body, content_type = error.code, error.read().decode("utf-8", "replace"), "text/html"
        rewrite = self.rewrite.get(path)
        if rewrite:
            body = rewrite(body)
        return Planted(status, body, content_type)

    def url(self, host="127.0.0.1"):
        return f"http://{host}:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
