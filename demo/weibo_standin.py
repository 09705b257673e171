"""A stand-in for the Weibo open API: a real threaded HTTP server on 127.0.0.1.

No machine here reaches Weibo, so tests and the demo (`manage.py weibo_standin`) post to
this server. It serves the three calls the channel uses under /2/ (statuses/share,
statuses/destroy, statuses/user_timeline) with Weibo's request and answer shapes and its
checks, made independently of channels/weibo: the text's length counted as Weibo's web
client counts it (140 characters, half for ASCII, a link as 20 half-characters), a link of
the app's safe domain required, no #topic#, a repeated text refused (20019), a picture of
JPEG/PNG/GIF under 5 MB (20005, 20006), each token's user, expired tokens (21327) and
unknown ones (21332). Links in a post come back shortened to t.cn, as Weibo shows them.

Faults for tests, for the next N calls of an endpoint ("statuses/share", ...):

    standin = WeiboStandin().start()
    standin.base_url                                   # → settings.WEIBO_API_BASE_URL
    standin.inject("statuses/share", error_code=10023)  # a rate limit (nothing done)
    standin.inject("statuses/share", status=502)        # a gateway error before the work
    standin.inject("statuses/share", status=502, after=True)  # ... after the post was made
    standin.inject("statuses/share", delay=0.5)         # posted, answered late: a timeout after send
    standin.inject("statuses/share", non_json=True)
    standin.expire_token(token)                         # 21327 from now on
    arrived, release = standin.hold("statuses/share")   # parked, then dropped unprocessed
    arrived, release = standin.hold("statuses/share", after=True)  # posted, then dropped
    standin.posts()                                     # the live posts
    standin.stop()

GET / (or /received) in a browser lists the posts received, and /<uid>/<id> shows one:
the demo's 查看 link (WEIBO_WEB_BASE_URL) opens it.
"""

import itertools
import re
import threading
import time
from datetime import datetime, timedelta, timezone
from email.parser import BytesParser
from email.policy import HTTP
from html import escape
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .standin_http import HTTPStandin, reply

CHINA = timezone(timedelta(hours=8))
LINK = re.compile(r"https?://[\w\-.~:/?#\[\]@!$&'()*+,;=%]+", re.ASCII)
TOPIC = re.compile(r"#[^#\s]+#")
MAGIC = {b"\xff\xd8\xff": "jpeg", b"\x89PNG": "png", b"GIF8": "gif"}
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def weibo_count(text):
    """Weibo's web client's count: links of up to 140 characters are 20 bytes, longer ones
    their length less 120; other characters one byte up to U+00FF, else two per UTF-16
    unit; half the bytes, rounded up."""
    links = 0
    for link in LINK.findall(text):
        links += 20 if len(link) <= 140 else len(link) - 120
    rest = LINK.sub("", text)
    size = sum(1 if ord(c) <= 0xFF else len(c.encode("utf-16-le")) for c in rest)
    return -(-(links + size) // 2)


def _normal(text):
    return "".join(LINK.sub("#link#", text).split())


class WeiboStandin(HTTPStandin):
    def __init__(self, host="127.0.0.1", port=0, *, safe_domains=None, default_uid="5800000001"):
        self.lock = threading.Lock()
        self.requests = []
        self.faults = {}
        self.holds = {}
        #: token → uid; with `accept_any_token`, an unknown token is the default user's
        self.tokens = {}
        self.accept_any_token = True
        self.default_uid = default_uid
        self.expired = set()
        #: hosts (and their subdomains) a shared link must be on; None: any host
        self.safe_domains = safe_domains
        self.text_limit = 140
        self.image_max_bytes = 5 * 1024 * 1024
        self.statuses = {}
        self._ids = itertools.count(4_900_000_000_000_001)
        self._listen(host, port)

    # --- control -----------------------------------------------------------------------

    def authorize(self, token, uid):
        with self.lock:
            self.tokens[token] = str(uid)
            self.expired.discard(token)

    def expire_token(self, token):
        with self.lock:
            self.expired.add(token)

    def inject(
        self, endpoint, *, error_code=None, status=None, delay=None, non_json=False, after=False, times=1
    ):
        """Make the next `times` calls of `endpoint` fail: with Weibo's `error_code`, an HTTP
        `status` (5xx), a body that is not JSON, or an answer `delay`ed (the call is carried
        out first: a timeout after sending). `after`: the call is carried out before the
        status or body fault, as when a gateway fails on the way back."""
        fault = {
            "error_code": error_code,
            "status": status,
            "delay": delay,
            "non_json": non_json,
            "after": after,
        }
        with self.lock:
            self.faults.setdefault(endpoint, []).extend([fault] * times)

    def hold(self, endpoint, *, after=False):
        """Park the next call of `endpoint`: `arrived` is set, and once `release` is set its
        connection is closed with no answer. Not carried out, unless `after` (then it is
        carried out before it is parked: the caller dies with Weibo having posted)."""
        arrived, release = threading.Event(), threading.Event()
        with self.lock:
            self.holds[endpoint] = (arrived, release, after)
        return arrived, release

    def calls(self, endpoint=None):
        """Recorded requests (dicts: endpoint, fields, has_pic, status, answer)."""
        with self.lock:
            return [r for r in self.requests if endpoint is None or r["endpoint"] == endpoint]

    def posts(self, uid=None):
        """Live posts, oldest first."""
        with self.lock:
            return [
                s for s in self.statuses.values() if not s["deleted"] and (uid is None or s["uid"] == uid)
            ]

    # --- HTTP --------------------------------------------------------------------------

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet in tests
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                if not parts.path.startswith("/2/"):
                    reply(self, 200, standin.page(parts.path).encode(), "text/html; charset=utf-8")
                    return
                self._serve(parts, {k: v[0] for k, v in parse_qs(parts.query).items()}, {})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fields, files = _form(self.headers.get("Content-Type", ""), body)
                self._serve(urlsplit(self.path), fields, files)

            def _serve(self, parts, fields, files):
                endpoint = parts.path.removeprefix("/2/").removesuffix(".json")
                status, answer = standin._dispatch(endpoint, fields, files)
                if status is None:  # a held call: hang up without an answer
                    self.close_connection = True
                    return
                reply(self, status, answer)

        return Handler

    def _dispatch(self, endpoint, fields, files):
        record = {
            "endpoint": endpoint,
            "fields": fields,
            "has_pic": "pic" in files,
            "status": 200,
            "answer": {},
        }
        with self.lock:
            self.requests.append(record)
            queue = self.faults.get(endpoint)
            fault = queue.pop(0) if queue else {}
            held = self.holds.pop(endpoint, None)
        if fault.get("error_code") is not None:
            record["answer"] = {
                "error_code": fault["error_code"],
                "error": "injected",
                "request": f"/2/{endpoint}.json",
            }
            record["status"] = 400
            return 400, record["answer"]
        failing_before = (fault.get("status") or fault.get("non_json")) and not fault.get("after")
        if not failing_before and not (held and not held[2]):
            with self.lock:
                record["answer"] = self._answer(endpoint, fields, files)
        if held:
            arrived, release, _ = held
            record["status"], record["dropped"] = None, True
            arrived.set()
            release.wait(60)
            return None, None
        if fault.get("delay"):
            time.sleep(fault["delay"])
        if fault.get("status"):
            record["status"] = fault["status"]
            return fault["status"], b"<html>502 Bad Gateway</html>"
        if fault.get("non_json"):
            return 200, b"<html>system error</html>"
        code = 400 if "error_code" in record["answer"] else 200
        record["status"] = code
        return code, record["answer"]

    # --- endpoints (called with the lock held) -----------------------------------------

    def _answer(self, endpoint, fields, files):
        def error(code, message):
            return {"error_code": code, "error": message, "request": f"/2/{endpoint}.json"}

        token = fields.get("access_token", "")
        if not token:
            return error(21301, "auth faild!")
        if token in self.expired:
            return error(21327, "expired_token")
        uid = self.tokens.get(token) or (self.default_uid if self.accept_any_token else None)
        if uid is None:
            return error(21332, "invalid_access_token")
        handler = {
            "statuses/share": self._share,
            "statuses/destroy": self._destroy,
            "statuses/user_timeline": self._timeline,
        }.get(endpoint)
        if handler is None:
            return error(10014, "Insufficient app permissions!")
        return handler(uid, fields, files, error)

    def _share(self, uid, fields, files, error):
        text = fields.get("status", "")
        if not text:
            return error(10016, "miss required parameter (status)")
        if weibo_count(text) > self.text_limit:
            return error(20012, "Text too long, please input text less than 140 characters!")
        hosts = [urlsplit(link).hostname or "" for link in LINK.findall(text)]
        safe = [h for h in hosts if self.safe_domains is None or any(_under(h, d) for d in self.safe_domains)]
        if not safe:
            return error(10017, "parameter (status)'s value invalid, expect (a url of the app's safe domain)")
        if TOPIC.search(LINK.sub("", text)):
            return error(10017, "parameter (status)'s value invalid, expect (no #topic#)")
        if any(
            s["uid"] == uid and not s["deleted"] and _normal(s["sent"]) == _normal(text)
            for s in self.statuses.values()
        ):
            return error(20019, "Repeat content!")
        pic = None
        if "pic" in files:
            content = files["pic"]
            kind = next((k for magic, k in MAGIC.items() if content.startswith(magic)), None)
            if kind is None:
                return error(20005, "Unsupported image type, only suport JPG, GIF, PNG!")
            if len(content) >= self.image_max_bytes:
                return error(20006, "Image size too large.")
            pic = {"type": kind, "size": len(content)}
        status_id = next(self._ids)
        shown = LINK.sub(lambda m: "http://t.cn/" + _short(m.group()), text)
        status = {
            "created_at": datetime.now(CHINA).strftime("%a %b %d %H:%M:%S %z %Y"),
            "id": status_id,
            "idstr": str(status_id),
            "mid": str(status_id),
            "text": shown,
            "source": '<a href="https://open.weibo.com" rel="nofollow">政府网站集约化平台</a>',
            "user": {"id": int(uid), "idstr": uid},
        }
        if pic:
            status["original_pic"] = f"https://wx1.sinaimg.cn/large/{status_id}.{pic['type']}"
        self.statuses[status_id] = {**status, "uid": uid, "sent": text, "pic": pic, "deleted": False}
        return status

    def _destroy(self, uid, fields, files, error):
        try:
            found = self.statuses.get(int(fields.get("id", "")))
        except ValueError:
            found = None
        if found is None or found["deleted"]:
            return error(20101, "Target weibo does not exist!")
        if found["uid"] != uid:
            return error(20102, "Not your own weibo!")
        found["deleted"] = True
        return _public(found)

    def _timeline(self, uid, fields, files, error):
        count = min(int(fields.get("count") or 20), 100)
        mine = [s for s in reversed(self.statuses.values()) if s["uid"] == uid and not s["deleted"]]
        return {"statuses": [_public(s) for s in mine[:count]], "total_number": len(mine)}

    # --- the demo's pages --------------------------------------------------------------

    def page(self, path):
        """GET /, /received: every post received; /<uid>/<id>: one post."""
        parts = [p for p in path.split("/") if p]
        with self.lock:
            shown = list(reversed(self.statuses.values()))
        if len(parts) == 2 and parts[1].isdigit():
            shown = [s for s in shown if s["idstr"] == parts[1]]
        items = "".join(
            '<article style="width:390px;margin:0 0 16px;padding:16px;border:1px solid #ddd;background:#fff;">'
            f'<p style="color:#888;font-size:13px;margin:0 0 8px;">{escape(s["created_at"])} · '
            f"{'已删除' if s['deleted'] else '已发布'} · {escape(s['idstr'])}"
            f"{' · 带图片（' + escape(s['pic']['type']) + '）' if s['pic'] else ''}</p>"
            f'<p style="font-size:16px;margin:0;">{escape(s["sent"])}</p></article>'
            for s in shown
        )
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>微博模拟服务</title></head>'
            '<body style="font-family:sans-serif;background:#f2f2f2;padding:16px;">'
            f"<h1>微博模拟服务：收到的微博（{len(shown)} 条）</h1>{items or '<p>尚未收到微博。</p>'}</body></html>"
        )


def _public(status):
    return {k: v for k, v in status.items() if k not in ("uid", "sent", "pic", "deleted")}


def _under(host, domain):
    return host == domain or host.endswith("." + domain)


def _short(link):
    number = int.from_bytes(link.encode()[-12:].ljust(12, b"="), "big") % 62**7
    code = ""
    for _ in range(7):
        number, digit = divmod(number, 62)
        code += ALPHABET[digit]
    return code


def _form(ctype, body):
    """(fields, files) of a urlencoded or multipart/form-data body."""
    if not ctype.startswith("multipart/form-data"):
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}, {}
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + body)
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if part.get_filename() is not None:
            files[name] = part.get_payload(decode=True)
        else:
            fields[name] = part.get_payload(decode=True).decode("utf-8")
    return fields, files
