"""What the HTTP stand-ins of outside services (demo/wechat_standin.py,
demo/weibo_standin.py) share: a threaded server on 127.0.0.1 and writing an answer the way
those services do."""

import json
import threading
from http.server import ThreadingHTTPServer


class HTTPStandin:
    """A threaded HTTP server (port 0: any free one) serving the handler class the stand-in
    makes (`_handler_class`). `start()` serves in a thread (tests), `serve_forever()` in the
    caller's (the management commands)."""

    def _listen(self, host, port):
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self):
        # A short poll, so stop() returns at once (tests start one per test).
        thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self):
        self._server.serve_forever()


def reply(handler, status, answer, ctype="text/html"):
    """Write `answer` with `status` on a BaseHTTPRequestHandler: bytes as they are (of
    `ctype`), anything else as JSON without \\u escapes. A client that gave up waiting (a
    delay fault) has closed the connection: the answer is lost, as the service's would be."""
    if isinstance(answer, bytes):
        payload = answer
    else:
        payload, ctype = json.dumps(answer, ensure_ascii=False).encode(), "application/json"
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass
