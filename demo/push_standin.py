"""A stand-in push receiver: a real threaded HTTP server on 127.0.0.1 that checks the
webhook's HMAC signature, dedupes on the Idempotency-Key, and can be told to fail the next
N requests (an HTTP status) or to answer slowly — for tests and the demo.

    receiver = PushStandin(secret="s").start()
    receiver.url            # → settings.PUSH_WEBHOOK_URL
    receiver.fail(503, times=1)
    receiver.notifications  # accepted, one per idempotency key
    receiver.stop()
"""

import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from channels.push.providers import sign

MAX_SKEW_SECONDS = 300


class PushStandin:
    def __init__(self, secret, host="127.0.0.1", port=0, clock=time.time):
        self.secret = secret
        self.clock = clock
        self.lock = threading.Lock()
        self.requests = []  # every request: {"headers", "body", "status"}
        self.notifications = {}  # idempotency key → payload, first accepted only
        self._faults = []
        self._ids = itertools.count(1)
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/push"

    def start(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def fail(self, status, times=1):
        with self.lock:
            self._faults.extend([status] * times)

    def answer(self, headers, body):
        """(status, json answer) for one request."""
        with self.lock:
            if self._faults:
                return self._faults.pop(0), {"error": "injected"}
        timestamp = headers.get("X-Portal-Timestamp", "")
        expected = sign(self.secret, timestamp, body)
        if not hmac.compare_digest(expected, headers.get("X-Portal-Signature", "")):
            return 401, {"error": "bad signature"}
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > MAX_SKEW_SECONDS:
            return 401, {"error": "stale timestamp"}
        key = headers.get("Idempotency-Key", "")
        with self.lock:
            if key in self.notifications:
                return 200, {"message_id": self.notifications[key]["message_id"], "duplicate": True}
            payload = json.loads(body)
            payload["message_id"] = next(self._ids)
            self.notifications[key] = payload
            return 200, {"message_id": payload["message_id"]}

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = standin.answer(self.headers, body)
                with standin.lock:
                    standin.requests.append({"headers": dict(self.headers), "body": body, "status": status})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler
