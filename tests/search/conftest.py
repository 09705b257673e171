"""Fixtures of the search tests: one judged corpus for the whole package, built through the real
publish path (page_published → task → index) inside a transaction rolled back at the end,
so it is built once and leaves nothing behind."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from wagtail.rich_text import RichText

from tests.factories import make_article, make_column, make_organisation, make_site

from .corpus import DOCS

SITES = {
    "cz": ("www.cz.test", "郴州市人民政府"),
    "bh": ("bh.cz.test", "北湖区人民政府"),
}


class Corpus:
    def __init__(self):
        self.sites, self.columns, self.pages = {}, {}, {}

    def page(self, key):
        return self.pages[key]

    def key_of(self, page_id):
        return next((k for k, p in self.pages.items() if p.pk == page_id), None)


def build_corpus():
    corpus = Corpus()
    for code, (host, name) in SITES.items():
        corpus.sites[code] = make_site(hostname=host, name=name)
    en = make_site(hostname="en.cz.test", name="Chenzhou", locale="en", kind="english")
    corpus.sites["en"] = en
    corpus.organisation = make_organisation("郴州市人民政府办公室")
    base = timezone.make_aware(datetime.datetime(2014, 6, 30, 9, 0))
    for i, (key, (site, column, title, body)) in enumerate(DOCS.items()):
        col_key = (site, column)
        if col_key not in corpus.columns:
            corpus.columns[col_key] = make_column(corpus.sites[site].home, title=column)
        corpus.pages[key] = make_article(
            corpus.columns[col_key],
            title=title,
            summary="",
            body=[("paragraph", RichText(f"<p>{body}</p>"))],
            published_at=base - datetime.timedelta(days=i),
            organisation=corpus.organisation if site == "cz" else None,
        )
    en_col = make_column(en.home, title="News")
    corpus.columns[("en", "News")] = en_col
    corpus.pages["en_mayor"] = make_article(
        en_col,
        title="Mayor's Mailbox receives 1,200 letters",
        body=[
            ("paragraph", RichText("<p>Citizens wrote to the mayor's mailbox about housing and roads.</p>"))
        ],
        published_at=base,
    )
    corpus.pages["en_invest"] = make_article(
        en_col,
        title="Investing in Chenzhou: industrial parks",
        body=[
            (
                "paragraph",
                RichText("<p>Investors find nonferrous metals processing and tourism opportunities.</p>"),
            )
        ],
        published_at=base,
    )
    return corpus


@pytest.fixture(scope="package")
def corpus(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_corpus()
        transaction.set_rollback(True)
