"""The Elasticsearch backend against an HTTP stand-in on 127.0.0.1: the exact index
mapping, bulk documents, query body and alias swap it sends, and how it reads answers.
(A real cluster: tests/search/live_elasticsearch.py, see docs/search.md.)"""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from search.backends.base import BackendQuery
from search.backends.elasticsearch import ElasticsearchBackend


class StandIn(BaseHTTPRequestHandler):
    """Answers the few endpoints the backend uses and records every request."""

    def log_message(self, *args):
        pass

    def _reply(self, status, body=None):
        data = json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _handle(self):
        state = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        path = self.path.split("?")[0]
        state["requests"].append((self.command, path, raw))
        parts = path.strip("/").split("/")
        if parts[0] == "_alias" and len(parts) == 2:
            names = [i for i, a in state["aliases"].items() if a == parts[1]]
            if not names:
                return self._reply(404, {"error": "alias missing", "status": 404})
            return self._reply(200, {i: {"aliases": {parts[1]: {}}} for i in names})
        if parts[0] == "_bulk":
            lines = [json.loads(x) for x in raw.splitlines() if x.strip()]
            items = []
            i = 0
            while i < len(lines):
                op, meta = next(iter(lines[i].items()))
                if op == "delete":
                    i += 1
                else:
                    target = next(
                        (k for k, a in state["aliases"].items() if a == meta["_index"]), meta["_index"]
                    )
                    state["docs"][(target, str(meta["_id"]))] = lines[i + 1]
                    i += 2
                items.append({op: {"_index": meta["_index"], "_id": meta["_id"], "status": 200}})
            return self._reply(200, {"took": 1, "errors": False, "items": items})
        if self.command == "PUT" and len(parts) == 1:
            state["indices"][parts[0]] = json.loads(raw)
            return self._reply(200, {"acknowledged": True, "index": parts[0]})
        if self.command == "PUT" and len(parts) == 3 and parts[1] == "_alias":
            state["aliases"][parts[0]] = parts[2]
            return self._reply(200, {"acknowledged": True})
        if parts[0] == "_aliases":
            for action in json.loads(raw)["actions"]:
                ((op, spec),) = action.items()
                if op == "add":
                    state["aliases"][spec["index"]] = spec["alias"]
                else:
                    state["aliases"].pop(spec["index"], None)
            return self._reply(200, {"acknowledged": True})
        if self.command == "DELETE" and len(parts) == 1:
            for name in parts[0].split(","):
                state["indices"].pop(name, None)
            return self._reply(200, {"acknowledged": True})
        if len(parts) == 2 and parts[1] == "_search":
            state["searches"].append(json.loads(raw))
            return self._reply(200, state["answer"])
        return self._reply(400, {"error": f"unexpected {self.command} {path}", "status": 400})

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle


@pytest.fixture(scope="module")
def standin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.state = {"requests": [], "indices": {}, "aliases": {}, "docs": {}, "searches": [], "answer": {}}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def entry(pk, title, body, **kw):
    return SimpleNamespace(
        page_id=pk,
        language="zh",
        title_tokens=title,
        body_tokens=body,
        site_id=kw.get("site_id", 1),
        content_type="article",
        organisation_id=None,
        validity="",
        column_ids=kw.get("column_ids", [7]),
        published_at=datetime.datetime(2014, 6, 30, 1, tzinfo=datetime.UTC),
    )


def test_mapping_bulk_query_and_alias_swap(standin):
    backend = ElasticsearchBackend(url=f"http://127.0.0.1:{standin.server_port}", prefix="t")
    backend.index([entry(1, "三公 经费 三公经费", "预算 公开"), entry(2, "市长 信箱 市长信箱", "来信")])
    state = standin.state
    ((name, body),) = state["indices"].items()
    assert state["aliases"][name] == "t-zh"
    assert body["mappings"]["properties"]["title"] == {"type": "text", "analyzer": "whitespace"}
    assert body["mappings"]["properties"]["body"] == {"type": "text", "analyzer": "whitespace"}
    assert body["mappings"]["properties"]["content_type"] == {"type": "keyword"}
    assert body["mappings"]["properties"]["published_at"] == {"type": "date"}
    assert state["docs"][(name, "1")]["title"] == "三公 经费 三公经费"
    assert state["docs"][(name, "1")]["column_ids"] == [7]

    state["answer"] = {
        "hits": {"total": {"value": 2, "relation": "eq"}, "hits": [{"_id": "2"}, {"_id": "1"}]},
        "aggregations": {
            "by_site": {"doc_count": 2, "terms": {"buckets": [{"key": 1, "doc_count": 2}]}},
            "by_type": {"doc_count": 2, "terms": {"buckets": [{"key": "article", "doc_count": 2}]}},
        },
    }
    hits = backend.search(
        BackendQuery(language="zh", terms=["三公", "三公经费"], site_id=1, column_id=7, limit=5)
    )
    assert hits.ids == [2, 1]
    assert hits.total == 2
    assert hits.facets == {"site": {1: 2}, "type": {"article": 2}}
    assert state["searches"][-1] == {
        "query": {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "should": [
                                {"match": {"title": {"query": "三公 三公经费", "boost": 4}}},
                                {"match": {"body": {"query": "三公 三公经费"}}},
                            ],
                            "minimum_should_match": 1,
                        }
                    }
                ],
                "filter": [{"term": {"column_ids": 7}}],
            }
        },
        "post_filter": {"bool": {"filter": [{"term": {"site_id": 1}}]}},
        "aggs": {
            "by_site": {
                "filter": {"match_all": {}},
                "aggs": {"terms": {"terms": {"field": "site_id", "size": 100}}},
            },
            "by_type": {
                "filter": {"bool": {"filter": [{"term": {"site_id": 1}}]}},
                "aggs": {"terms": {"terms": {"field": "content_type", "size": 20}}},
            },
        },
        "_source": False,
        "track_total_hits": True,
        "from": 0,
        "size": 5,
    }

    # A full rebuild writes to a new index and swaps the alias; the old index is dropped.
    backend.begin_rebuild("zh")
    backend.index([entry(3, "视频 会议 视频会议", "")])
    backend.end_rebuild("zh")
    (new_name,) = [i for i, a in state["aliases"].items() if a == "t-zh"]
    assert new_name != name
    assert name not in state["indices"]
    assert (new_name, "3") in state["docs"]
