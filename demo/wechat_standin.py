"""A stand-in for the WeChat API: a real threaded HTTP server on 127.0.0.1.

No machine here reaches WeChat, so tests and the demo (`manage.py wechat_standin`) publish to
this server. It implements the endpoints the channel uses (docs/wechat.md) with WeChat's
request and response shapes, records every request, and can be told to misbehave for the
next N calls of an endpoint: an errcode (-1, 40001, 42001, 45009, ...), an HTTP 5xx, a delay
(to provoke client timeouts) or a body that is not JSON. `hold(endpoint)` parks the next
call of an endpoint unprocessed until released, then drops its connection: a test kills
the calling worker meanwhile, as if it died before the request reached WeChat.

    standin = WeChatStandin().start()
    standin.base_url            # → settings.WECHAT_API_BASE_URL
    standin.inject("draft/add", errcode=-1, times=2)
    standin.calls("freepublish/submit")
    arrived, release = standin.hold("freepublish/submit")
    standin.stop()

GET / (or /received) in a browser lists the articles received, each at phone width with
its converted content, so the demo shows what "WeChat" got.
"""

import itertools
import json
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from html import escape
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .standin_http import HTTPStandin, reply


class WeChatStandin(HTTPStandin):
    def __init__(self, host="127.0.0.1", port=0, *, token_ttl=7200, polls_before_done=1):
        self.lock = threading.Lock()
        self.requests = []
        self.faults = {}
        self.holds = {}
        self.tokens = set()
        self.token_ttl = token_ttl
        #: freepublish/get answers "publishing" (1) this many times before the final status
        self.polls_before_done = polls_before_done
        #: final publish_status for the next submits (0 done; 2–6 failures)
        self.next_publish_status = 0
        self.materials = {}
        self.images = {}
        self.drafts = {}
        self.publishes = {}
        self.mass_sends = {}
        self.template_messages = []
        self.deleted = []
        self.menu = None
        self._ids = itertools.count(1)
        self._listen(host, port)

    # --- control -----------------------------------------------------------------------

    def inject(self, endpoint, *, errcode=None, status=None, delay=None, non_json=False, times=1):
        """Make the next `times` calls of `endpoint` (e.g. "draft/add", "token") fail."""
        with self.lock:
            self.faults.setdefault(endpoint, []).extend(
                [{"errcode": errcode, "status": status, "delay": delay, "non_json": non_json}] * times
            )

    def hold(self, endpoint):
        """Park the next call of `endpoint`: it is logged (answer {"errcode": "dropped"}),
        `arrived` is set, and once `release` is set its connection is closed with no
        answer and nothing done. Returns (arrived, release) events."""
        arrived, release = threading.Event(), threading.Event()
        with self.lock:
            self.holds[endpoint] = (arrived, release)
        return arrived, release

    def expire_tokens(self):
        """Invalidate every issued token, as WeChat does when the secret is reset."""
        with self.lock:
            self.tokens.clear()

    def calls(self, endpoint=None):
        """Recorded requests (dicts: endpoint, query, body, json, answer), optionally of one
        endpoint."""
        with self.lock:
            return [r for r in self.requests if endpoint is None or r["endpoint"] == endpoint]

    def successful(self, endpoint):
        return [r for r in self.calls(endpoint) if r["answer"].get("errcode", 0) == 0 and r["status"] == 200]

    def reset_log(self):
        with self.lock:
            self.requests.clear()

    def received(self):
        """The articles received, newest draft first: dicts of title, author, digest,
        content (the converted HTML as sent) and status ("已发布", "发布中", "草稿"…)."""
        with self.lock:
            found = []
            for media_id, articles in reversed(list(self.drafts.items())):
                jobs = [j for j in self.publishes.values() if j["media_id"] == media_id]
                for article in articles:
                    found.append({**article, "media_id": media_id, "status": _job_status(jobs, self)})
            return found

    def received_page(self):
        """GET / and /received: an HTML page of the received articles, each at phone
        width as its content was sent (the demo's way to see what WeChat got)."""
        received = self.received()
        items = []
        for article in received:
            items.append(
                '<article style="width:390px;margin:0 0 32px;padding:16px;border:1px solid #ddd;'
                'box-sizing:border-box;background:#fff;">'
                f'<p style="color:#888;font-size:13px;margin:0 0 8px;">{escape(article["status"])} · '
                f"{escape(article['media_id'])}</p>"
                f'<h2 style="font-size:20px;margin:0 0 8px;">{escape(article.get("title", ""))}</h2>'
                f'<p style="color:#576b95;margin:0 0 8px;">{escape(article.get("author", ""))}</p>'
                f'<p style="color:#666;margin:0 0 16px;">{escape(article.get("digest", ""))}</p>'
                # The content is what the portal's converter sent: shown as WeChat shows it.
                f"<div>{article.get('content', '')}</div></article>"
            )
        body = "".join(items) or "<p>尚未收到文章。</p>"
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            "<title>微信模拟服务：收到的文章</title></head>"
            '<body style="font-family:sans-serif;background:#f2f2f2;padding:16px;">'
            f"<h1>微信模拟服务：收到的文章（{len(received)} 篇）</h1>{body}</body></html>"
        )

    # --- HTTP --------------------------------------------------------------------------

    def _handler_class(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet in tests
                pass

            def do_GET(self):
                if urlsplit(self.path).path in ("/", "/received"):
                    self._send_html(standin.received_page())
                    return
                self._serve(b"")

            def _send_html(self, text):
                reply(self, 200, text.encode(), "text/html; charset=utf-8")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self._serve(self.rfile.read(length))

            def _serve(self, body):
                parts = urlsplit(self.path)
                endpoint = parts.path.removeprefix("/cgi-bin/")
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                status, answer = standin._dispatch(endpoint, query, body, self.headers)
                if status is None:  # a held call: hang up without an answer
                    self.close_connection = True
                    return
                reply(self, status, answer)

        return Handler

    def _dispatch(self, endpoint, query, body, headers):
        record = {
            "endpoint": endpoint,
            "query": query,
            "body": body,
            "json": None,
            "status": 200,
            "answer": {},
        }
        with self.lock:
            self.requests.append(record)
            queue = self.faults.get(endpoint)
            fault = queue.pop(0) if queue else None
            held = self.holds.pop(endpoint, None)
        if held:
            arrived, release = held
            record["status"], record["answer"] = None, {"errcode": "dropped"}
            arrived.set()
            release.wait(60)
            return None, None
        if fault and fault["delay"]:
            time.sleep(fault["delay"])
        if fault and fault["status"]:
            record["status"] = fault["status"]
            record["answer"] = {"errcode": "http"}
            return fault["status"], b"<html>502 Bad Gateway</html>"
        if fault and fault["non_json"]:
            record["answer"] = {"errcode": "non-json"}
            return 200, b"<html>system error</html>"
        if fault and fault["errcode"] is not None:
            record["answer"] = {"errcode": fault["errcode"], "errmsg": "injected"}
            return 200, record["answer"]
        with self.lock:
            answer = self._answer(endpoint, query, body, headers, record)
        record["answer"] = answer
        return 200, answer

    # --- endpoints (called with the lock held) -----------------------------------------

    def _answer(self, endpoint, query, body, headers, record):
        if endpoint == "token":
            if not query.get("appid") or not query.get("secret"):
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            token = f"TOKEN-{uuid.uuid4().hex}"
            self.tokens.add(token)
            return {"access_token": token, "expires_in": self.token_ttl}
        if query.get("access_token") not in self.tokens:
            return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
        handler = getattr(self, "_ep_" + endpoint.replace("/", "_"), None)
        if handler is None:
            return {"errcode": 48001, "errmsg": "api unauthorized"}
        if endpoint in ("material/add_material", "media/uploadimg"):
            upload = _multipart_file(headers, body)
            if upload is None or not upload:
                return {"errcode": 41005, "errmsg": "media data missing"}
            return handler(query, upload)
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:
            return {"errcode": 40033, "errmsg": "invalid charset"}
        if b"\\u" in body:
            return {"errcode": 40033, "errmsg": "invalid charset. please check your request"}
        record["json"] = data
        return handler(data)

    def _ep_material_add_material(self, query, content):
        kind = query.get("type")
        if kind == "thumb" and len(content) > 64 * 1024:
            return {"errcode": 40009, "errmsg": "invalid image size"}
        media_id = f"MEDIA-{next(self._ids)}"
        self.materials[media_id] = {"type": kind, "size": len(content)}
        return {"media_id": media_id, "url": f"http://mmbiz.qpic.cn/mmbiz_jpg/{media_id}/0"}

    def _ep_media_uploadimg(self, query, content):
        if len(content) >= 1024 * 1024:
            return {"errcode": 40009, "errmsg": "invalid image size"}
        n = next(self._ids)
        self.images[n] = len(content)
        return {"url": f"http://mmbiz.qpic.cn/mmbiz_jpg/IMG{n}/0?wx_fmt=jpeg"}

    def _check_article(self, article):
        if not article.get("thumb_media_id") or article["thumb_media_id"] not in self.materials:
            return {"errcode": 40007, "errmsg": "invalid media_id"}
        if len(article.get("title", "")) > 32 or len(article.get("content", "")) >= 20000:
            return {"errcode": 45002, "errmsg": "content size out of limit"}
        return None

    def _ep_draft_add(self, data):
        articles = data.get("articles") or []
        if not 1 <= len(articles) <= 8:
            return {"errcode": 40114, "errmsg": "invalid index"}
        for article in articles:
            if error := self._check_article(article):
                return error
        media_id = f"DRAFT-{next(self._ids)}"
        self.drafts[media_id] = list(articles)
        return {"media_id": media_id}

    def _ep_draft_update(self, data):
        media_id, index = data.get("media_id"), data.get("index", 0)
        if media_id not in self.drafts or not 0 <= index < len(self.drafts[media_id]):
            return {"errcode": 40114, "errmsg": "invalid index"}
        article = data.get("articles") or {}
        if error := self._check_article(article):
            return error
        self.drafts[media_id][index] = article
        return {"errcode": 0, "errmsg": "ok"}

    def _ep_freepublish_submit(self, data):
        media_id = data.get("media_id")
        if media_id not in self.drafts:
            return {"errcode": 40007, "errmsg": "invalid media_id"}
        publish_id = str(next(self._ids))
        self.publishes[publish_id] = {
            "media_id": media_id,
            "polls": 0,
            "status": self.next_publish_status,
            "article_id": f"ART-{publish_id}",
        }
        return {"errcode": 0, "errmsg": "ok", "publish_id": publish_id, "msg_data_id": int(publish_id)}

    def _ep_freepublish_get(self, data):
        job = self.publishes.get(str(data.get("publish_id")))
        if job is None:
            return {"errcode": 40007, "errmsg": "invalid publish_id"}
        job["polls"] += 1
        # WeChat sends publish_id back as a number even when submit gave a string.
        answer = {"publish_id": int(data["publish_id"])}
        if job["polls"] <= self.polls_before_done:
            return answer | {"publish_status": 1}
        answer["publish_status"] = job["status"]
        if job["status"] == 0:
            count = len(self.drafts[job["media_id"]])
            answer["article_id"] = job["article_id"]
            answer["article_detail"] = {
                "count": count,
                "item": [
                    {"idx": i + 1, "article_url": f"https://mp.weixin.qq.com/s/{job['article_id']}-{i + 1}"}
                    for i in range(count)
                ],
            }
        else:
            answer["fail_idx"] = [1]
        return answer

    def _ep_freepublish_delete(self, data):
        article_id = data.get("article_id")
        job = next(
            (j for j in self.publishes.values() if j["article_id"] == article_id and j["status"] == 0),
            None,
        )
        if job is None or job["polls"] <= self.polls_before_done:
            return {"errcode": 40007, "errmsg": "invalid article_id"}
        job["status"] = 5  # "deleted", as freepublish/get reports it afterwards
        self.deleted.append(article_id)
        return {"errcode": 0, "errmsg": "ok"}

    def _ep_message_mass_sendall(self, data):
        clientmsgid = data.get("clientmsgid")
        if clientmsgid and clientmsgid in self.mass_sends:
            return {"errcode": 45065, "errmsg": "clientmsgid exist"}
        if data.get("msgtype") != "mpnews" or data.get("mpnews", {}).get("media_id") not in self.drafts:
            return {"errcode": 40007, "errmsg": "invalid media_id"}
        msg_id = next(self._ids)
        self.mass_sends[clientmsgid or f"anon-{msg_id}"] = {
            "msg_id": msg_id,
            "media_id": data["mpnews"]["media_id"],
        }
        return {
            "errcode": 0,
            "errmsg": "send job submission success",
            "msg_id": msg_id,
            "msg_data_id": msg_id,
        }

    def _ep_message_template_send(self, data):
        # A template message to one follower (the monitor's alerts): openid and template
        # are required, the data's values are what the follower reads.
        if not data.get("touser") or not data.get("template_id"):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        msg_id = next(self._ids)
        self.template_messages.append({"msgid": msg_id, **data})
        return {"errcode": 0, "errmsg": "ok", "msgid": msg_id}

    def _ep_menu_create(self, data):
        buttons = data.get("button") or []
        if not 1 <= len(buttons) <= 3 or any(len(b.get("sub_button", [])) > 5 for b in buttons):
            return {"errcode": 40016, "errmsg": "invalid button size"}
        names = [b.get("name", "") for b in buttons] + [
            s.get("name", "") for b in buttons for s in b.get("sub_button", [])
        ]
        if any(len(name.encode()) > 16 for name in names):
            return {"errcode": 40018, "errmsg": "invalid button name size"}
        self.menu = data
        return {"errcode": 0, "errmsg": "ok"}


def _job_status(jobs, standin):
    """What became of a draft: its last publish job's state, or 草稿."""
    if not jobs:
        return "草稿"
    job = jobs[-1]
    if job["polls"] <= standin.polls_before_done:
        return "发布中"
    return {0: "已发布", 5: "已删除"}.get(job["status"], "发布失败")


def _multipart_file(headers, body):
    """The bytes of the `media` field of a multipart/form-data body, or None."""
    ctype = headers.get("Content-Type", "")
    if not ctype.startswith("multipart/form-data"):
        return None
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + body)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "media":
            return part.get_payload(decode=True)
    return None
