"""Elasticsearch backend (elasticsearch-dsl): one index per language behind an alias, so
search_reindex builds a fresh index and swaps the alias without downtime.

The documents carry this project's analysed tokens and the mapping reads them with the
built-in `whitespace` analyzer: no server plug-in is needed (IK or smartcn can replace the
analyzer where installed, but then index and query analysis are the server's).
Settings: SEARCH_ELASTICSEARCH = {"URL": ..., "INDEX_PREFIX": ...}."""

import time

from django.conf import settings
from elasticsearch import Elasticsearch, helpers
from elasticsearch_dsl import Mapping, Q, Search

from .base import Hits, SearchBackend

TITLE_BOOST = 4


def mapping():
    m = Mapping()
    m.field("title", "text", analyzer="whitespace")
    m.field("body", "text", analyzer="whitespace")
    m.field("site_id", "integer")
    m.field("content_type", "keyword")
    m.field("organisation_id", "integer")
    m.field("validity", "keyword")
    m.field("column_ids", "integer")
    m.field("published_at", "date")
    return m


def index_body():
    return {"settings": {"number_of_shards": 1}, "mappings": mapping().to_dict()}


def document(entry):
    return {
        "title": entry.title_tokens,
        "body": entry.body_tokens,
        "site_id": entry.site_id,
        "content_type": entry.content_type,
        "organisation_id": entry.organisation_id,
        "validity": entry.validity,
        "column_ids": sorted(set(entry.columns.values_list("column_id", flat=True)))
        if not hasattr(entry, "column_ids")
        else sorted(set(entry.column_ids)),
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
    }


def filters(query, facets=False):
    out = []
    if query.site_id is not None and not facets:
        out.append(Q("term", site_id=query.site_id))
    if query.content_type and not facets:
        out.append(Q("term", content_type=query.content_type))
    if query.organisation_id is not None:
        out.append(Q("term", organisation_id=query.organisation_id))
    if query.validity is not None:
        out.append(Q("term", validity=query.validity))
    if query.column_id is not None:
        out.append(Q("term", column_ids=query.column_id))
    dates = {}
    if query.date_from is not None:
        dates["gte"] = query.date_from.isoformat()
    if query.date_to is not None:
        dates["lt"] = query.date_to.isoformat()
    if dates:
        out.append(Q("range", published_at=dates))
    return out


def search_body(query):
    """The request body for a BackendQuery: terms OR-ed (title boosted), filters outside
    the score, facets as aggregations, and site/type applied as a post_filter so each
    facet still counts the other sites and types."""
    text = " ".join(query.terms)
    must = Q(
        "bool",
        should=[
            Q("match", title={"query": text, "boost": TITLE_BOOST}),
            Q("match", body={"query": text}),
        ],
        minimum_should_match=1,
    )
    s = Search().query(Q("bool", must=[must], filter=filters(query, facets=True)))
    post = [f for f in filters(query) if f not in filters(query, facets=True)]
    if post:
        s = s.post_filter(Q("bool", filter=post))
    type_filter = [Q("term", content_type=query.content_type)] if query.content_type else []
    site_filter = [Q("term", site_id=query.site_id)] if query.site_id is not None else []
    s.aggs.bucket(
        "by_site", "filter", Q("bool", filter=type_filter) if type_filter else Q("match_all")
    ).bucket("terms", "terms", field="site_id", size=100)
    s.aggs.bucket(
        "by_type", "filter", Q("bool", filter=site_filter) if site_filter else Q("match_all")
    ).bucket("terms", "terms", field="content_type", size=20)
    if query.order == "date":
        s = s.sort({"published_at": {"order": "desc"}}, {"_score": {"order": "desc"}})
    s = s.source(False).extra(track_total_hits=True)[query.offset : query.offset + query.limit]
    return s.to_dict()


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url=None, prefix=None):
        conf = getattr(settings, "SEARCH_ELASTICSEARCH", {})
        self.client = Elasticsearch(url or conf.get("URL", "http://127.0.0.1:9200"), request_timeout=10)
        self.prefix = prefix or conf.get("INDEX_PREFIX", "portal")
        self._building = {}

    def alias(self, language):
        return f"{self.prefix}-{language}"

    def _write_targets(self, language):
        targets = [self.alias(language)]
        if language in self._building:
            targets.append(self._building[language])
        return targets

    def ensure_index(self, language):
        alias = self.alias(language)
        if not self.client.indices.exists_alias(name=alias):
            name = f"{alias}-{int(time.time() * 1000)}"
            self.client.indices.create(index=name, body=index_body())
            self.client.indices.put_alias(index=name, name=alias)

    def index(self, entries):
        actions = []
        for entry in entries:
            self.ensure_index(entry.language)
            for target in self._write_targets(entry.language):
                actions.append(
                    {"_op_type": "index", "_index": target, "_id": entry.page_id, **document(entry)}
                )
        if actions:
            helpers.bulk(self.client, actions, refresh="wait_for")

    def delete(self, page_ids):
        from ..analysis import LANGUAGES

        actions = [
            {"_op_type": "delete", "_index": target, "_id": pk}
            for language in LANGUAGES
            if self.client.indices.exists_alias(name=self.alias(language))
            for target in self._write_targets(language)
            for pk in page_ids
        ]
        if actions:
            helpers.bulk(self.client, actions, raise_on_error=False, refresh="wait_for")

    def search(self, query):
        alias = self.alias(query.language)
        if not self.client.indices.exists_alias(name=alias):
            return Hits()
        response = self.client.search(index=alias, body=search_body(query))
        aggs = response.get("aggregations", {})
        by_site = {
            int(b["key"]): b["doc_count"] for b in aggs.get("by_site", {}).get("terms", {}).get("buckets", [])
        }
        by_type = {
            b["key"]: b["doc_count"] for b in aggs.get("by_type", {}).get("terms", {}).get("buckets", [])
        }
        return Hits(
            ids=[int(h["_id"]) for h in response["hits"]["hits"]],
            total=response["hits"]["total"]["value"],
            facets={"site": by_site, "type": by_type},
        )

    def indexed_ids(self, language):
        alias = self.alias(language)
        if not self.client.indices.exists_alias(name=alias):
            return set()
        hits = helpers.scan(self.client, index=alias, query={"query": {"match_all": {}}, "_source": False})
        return {int(h["_id"]) for h in hits}

    def clear(self):
        from ..analysis import LANGUAGES

        for language in LANGUAGES:
            alias = self.alias(language)
            if self.client.indices.exists_alias(name=alias):
                indices = list(self.client.indices.get_alias(name=alias))
                self.client.indices.delete(index=",".join(indices))

    def begin_rebuild(self, language):
        """Create the next index; writes go to both until end_rebuild swaps the alias."""
        name = f"{self.alias(language)}-{int(time.time() * 1000)}"
        self.client.indices.create(index=name, body=index_body())
        self._building[language] = name

    def end_rebuild(self, language):
        name = self._building.pop(language, None)
        if name is None:
            return
        alias = self.alias(language)
        old = (
            list(self.client.indices.get_alias(name=alias))
            if self.client.indices.exists_alias(name=alias)
            else []
        )
        actions = [{"remove": {"index": i, "alias": alias}} for i in old] + [
            {"add": {"index": name, "alias": alias}}
        ]
        self.client.indices.update_aliases(actions=actions)
        for i in old:
            self.client.indices.delete(index=i)
