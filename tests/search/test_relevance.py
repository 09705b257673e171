"""Relevance: nDCG@10 over the judged queries of corpus.JUDGED, on whichever backend the
test database selects (both rank with search/ranking.py's BM25 from their posting lists)."""

import math

import pytest

from search.service import SearchParams, search

from .corpus import JUDGED

pytestmark = pytest.mark.django_db

# Measured on this set: 0.980 on SQLite and on PostgreSQL (the same ranking; before it,
# FTS5's bm25() gave 0.981 and PostgreSQL's ts_rank × idf 0.937). The threshold sits 0.03
# under it: two of the 44 queries losing their answers, or a slip across many, fail it.
NDCG_THRESHOLD = 0.95


def ndcg_at_10(ranked_keys, judged):
    gains = [judged.get(k, 0) for k in ranked_keys[:10]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(judged.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg


@pytest.fixture(scope="module")
def scores(corpus):
    out = {}
    for query, judged in JUDGED.items():
        answer = search(SearchParams(q=query, page_size=10, log=False))
        keys = [corpus.key_of(r["id"]) for r in answer["results"]]
        out[query] = ndcg_at_10(keys, judged)
    return out


def test_judged_set_is_large_enough():
    assert len(JUDGED) >= 40


def test_mean_ndcg_at_10_meets_threshold(scores):
    mean = sum(scores.values()) / len(scores)
    worst = sorted(scores.items(), key=lambda kv: kv[1])[:5]
    print(f"nDCG@10 mean {mean:.3f}; worst {worst}")
    assert mean >= NDCG_THRESHOLD, worst


@pytest.mark.parametrize(
    "query,expected",
    [
        ("市长信箱", {"mayor_box", "mayor_box_rule"}),
        ("三公经费", {"sangong_2014", "sangong_dept"}),
        ("视频会议", {"video_conf", "video_conf_county"}),
        ("智能天网", {"skynet", "skynet_case"}),
        ("电子监察", {"esupervision", "esupervision_county"}),
    ],
)
def test_demo_questions_return_the_right_items_first(corpus, query, expected):
    answer = search(SearchParams(q=query, log=False))
    top = {corpus.key_of(r["id"]) for r in answer["results"][: len(expected)]}
    assert top == expected
