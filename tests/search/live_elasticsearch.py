"""Integration test against a real Elasticsearch cluster. Not collected by the default run
(the file name does not match test_*.py); run it explicitly:

    ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/pytest tests/search/live_elasticsearch.py

It uses the index prefix `portal-livetest` and deletes its indices afterwards."""

import os

import pytest

from search.backends.base import BackendQuery
from search.backends.elasticsearch import ElasticsearchBackend

from .test_elasticsearch import entry


@pytest.fixture
def backend():
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.fail("ELASTICSEARCH_URL is not set: this file only runs against a real cluster.")
    backend = ElasticsearchBackend(url=url, prefix="portal-livetest")
    backend.clear()
    yield backend
    backend.clear()


def test_index_search_facets_and_rebuild(backend):
    backend.index(
        [
            entry(1, "三公 经费 三公经费", "预算 公开", site_id=1),
            entry(2, "市长 信箱 市长信箱", "来信 三公", site_id=2),
        ]
    )
    hits = backend.search(BackendQuery(language="zh", terms=["三公经费", "三公"]))
    assert hits.ids[0] == 1
    assert hits.total == 2
    assert hits.facets["site"] == {1: 1, 2: 1}
    one_site = backend.search(BackendQuery(language="zh", terms=["三公"], site_id=2))
    assert one_site.ids == [2]
    assert one_site.facets["site"] == {1: 1, 2: 1}
    backend.begin_rebuild("zh")
    backend.index([entry(3, "视频 会议 视频会议", "")])
    backend.end_rebuild("zh")
    assert backend.indexed_ids("zh") == {3}
    backend.delete([3])
    assert backend.search(BackendQuery(language="zh", terms=["视频会议"])).total == 0
