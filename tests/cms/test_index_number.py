"""索引号 (G01): {统一社会信用代码}/{年份}-{五位流水号}, a sequence per organisation and year,
issued once at first publication and never shared, even by items published at the same
moment from several processes."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from wagtail.models import Revision

from cms.disclosure import IndexSequence
from cms.models import ArticlePage, Organisation
from tests.channels.transactional import snapshot  # noqa: F401 - the database loaded back after
from tests.factories import make_article, make_column, make_organisation, make_site

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
CODE = "11431000006172011X"


@pytest.fixture
def column():
    site = make_site("www.test.localhost", "郴州市人民政府", slug="czs")
    return make_column(site.home, title="政策文件", column_type="政策文件")


@pytest.fixture
def organisation():
    return make_organisation("郴州市人民政府办公室", code=CODE)


def test_format_and_sequence_per_organisation_and_year(column, organisation):
    other = make_organisation("郴州市发展和改革委员会", code="11431000006172020Y")
    at = dt.datetime(2014, 3, 5, 10, 0, tzinfo=SHANGHAI)
    first = make_article(column, organisation=organisation, published_at=at)
    second = make_article(column, organisation=organisation, published_at=at + dt.timedelta(days=1))
    other_first = make_article(column, organisation=other, published_at=at)
    next_year = make_article(
        column, organisation=organisation, published_at=dt.datetime(2015, 1, 2, tzinfo=SHANGHAI)
    )

    assert first.index_number == f"{CODE}/2014-00001"
    assert second.index_number == f"{CODE}/2014-00002"
    assert other_first.index_number == "11431000006172020Y/2014-00001"
    assert next_year.index_number == f"{CODE}/2015-00001"


def test_year_is_the_local_year_of_publication(column, organisation):
    # 2014-12-31 23:30 in UTC is already 2015 in China.
    article = make_article(
        column, organisation=organisation, published_at=dt.datetime(2014, 12, 31, 23, 30, tzinfo=dt.UTC)
    )
    assert article.index_number == f"{CODE}/2015-00001"


def test_custom_pattern_of_the_organisation(column):
    organisation = make_organisation(
        "资兴市人民政府", code="114310810061720301", index_pattern="{code}-{year}-{seq:04d}"
    )
    organisation.full_clean()
    article = make_article(
        column, organisation=organisation, published_at=dt.datetime(2014, 5, 1, tzinfo=SHANGHAI)
    )
    assert article.index_number == "114310810061720301-2014-0001"


@pytest.mark.parametrize(
    "pattern",
    [
        "{code}/{year}",  # no serial number
        "{code}/{yaer}-{seq:05d}",  # unknown placeholder
        "{code}/{year}-{seq:05q}",  # bad format spec
        "{0}-{seq}",  # positional placeholder
        "{code/{seq}",  # unbalanced brace
    ],
)
def test_invalid_pattern_is_rejected_in_chinese(pattern):
    organisation = Organisation(name="郴州市财政局", credit_code="11431000006172040A", index_pattern=pattern)
    with pytest.raises(ValidationError) as exc:
        organisation.full_clean()
    messages = exc.value.message_dict["index_pattern"]
    assert any("索引号规则" in m for m in messages), messages


def test_number_survives_later_revisions_and_republishing(column, organisation):
    article = make_article(column, organisation=organisation)
    number = article.index_number
    assert number

    article.title = "郴州市人民政府办公室关于做好2014年政务公开工作的通知（修订）"
    article.save_revision().publish()
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.index_number == number
    # A draft revision keeps it too, and so does unpublishing and publishing again.
    article.summary = "草稿修改"
    article.save_revision()
    article.unpublish()
    article.get_latest_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).index_number == number
    assert IndexSequence.objects.get(organisation=organisation).last == 1


def test_reverting_to_a_revision_drafted_before_first_publish_keeps_number(column, organisation):
    article = make_article(column, organisation=organisation, publish=False, live=False)
    draft = article.get_latest_revision()
    assert draft.content["index_number"] is None
    draft.publish()
    number = ArticlePage.objects.get(pk=article.pk).index_number
    assert number == f"{CODE}/{article.published_at.astimezone(SHANGHAI).year}-00001"
    # Publishing that early revision again (a revert) must not lose or reissue the number.
    draft.publish()
    assert ArticlePage.objects.get(pk=article.pk).index_number == number


def test_changing_organisation_after_publication_keeps_number(column, organisation):
    article = make_article(column, organisation=organisation)
    number = article.index_number
    article.organisation = make_organisation("郴州市教育局", code="11431000006172050B")
    article.save_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).index_number == number


def test_draft_and_scheduled_items_get_no_number_yet(column, organisation):
    draft = make_article(column, organisation=organisation, publish=False, live=False)
    assert ArticlePage.objects.get(pk=draft.pk).index_number is None
    # Saving a draft of a published item with an organisation newly set issues nothing:
    # the number is issued when that draft is published.
    article = make_article(column)
    article.organisation = organisation
    article.save_revision()
    assert ArticlePage.objects.get(pk=article.pk).index_number is None
    assert not IndexSequence.objects.filter(organisation=organisation).exists()
    article.get_latest_revision().publish()
    assert ArticlePage.objects.get(pk=article.pk).index_number.endswith("-00001")


def test_copy_does_not_copy_number(column, organisation):
    article = make_article(column, organisation=organisation)
    draft_copy = article.copy(update_attrs={"slug": "copy-draft", "title": "复制的草稿"}, keep_live=False)
    assert ArticlePage.objects.get(pk=draft_copy.pk).index_number is None
    # Publishing the copy's revision (which was copied from the original's) issues a new one.
    draft_copy.get_latest_revision().publish()
    published_copy = ArticlePage.objects.get(pk=draft_copy.pk)
    assert published_copy.index_number == article.index_number[:-5] + "00002"

    live_copy = article.copy(update_attrs={"slug": "copy-live", "title": "复制并发布"}, keep_live=True)
    assert ArticlePage.objects.get(pk=live_copy.pk).index_number == article.index_number[:-5] + "00003"
    assert ArticlePage.objects.get(pk=article.pk).index_number.endswith("-00001")


def test_items_without_organisation_get_none(column):
    article = make_article(column)
    assert article.live
    assert article.index_number is None
    assert not IndexSequence.objects.exists()


def test_two_items_published_at_the_same_frozen_moment(column, organisation):
    moment = dt.datetime(2014, 6, 30, 17, 0, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        drafts = [
            make_article(column, organisation=organisation, publish=False, live=False, published_at=None)
            for _ in range(2)
        ]
        for draft in drafts:
            draft.get_latest_revision().publish()
    articles = [ArticlePage.objects.get(pk=d.pk) for d in drafts]
    assert articles[0].published_at == articles[1].published_at == moment
    assert [a.index_number for a in articles] == [f"{CODE}/2014-00001", f"{CODE}/2014-00002"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_publishing_issues_distinct_consecutive_numbers(snapshot):  # noqa: F811
    """N items of one organisation published at the same moment from N threads, each with
    its own database connection, released together by a barrier. (The test ends with an
    emptied database; `snapshot` loads the tables back for the modules after it.)"""
    site = make_site("www.test.localhost", "郴州市人民政府", slug="czs")
    column = make_column(site.home, title="政策文件", column_type="政策文件")
    organisation = make_organisation("郴州市人民政府办公室", code=CODE)
    n = 8
    moment = dt.datetime(2014, 6, 30, 17, 0, tzinfo=SHANGHAI)
    drafts = [
        make_article(column, organisation=organisation, publish=False, live=False, published_at=moment)
        for _ in range(n)
    ]
    assert not IndexSequence.objects.exists()  # the first-of-the-year insert races too
    revision_ids = [d.get_latest_revision().pk for d in drafts]
    barrier = threading.Barrier(n)
    errors = []

    def publish(revision_id):
        try:
            revision = Revision.objects.get(pk=revision_id)
            barrier.wait(timeout=30)
            revision.publish()
        except Exception as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(rid,)) for rid in revision_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []

    numbers = list(
        ArticlePage.objects.filter(pk__in=[d.pk for d in drafts]).values_list("index_number", flat=True)
    )
    assert None not in numbers
    assert sorted(numbers) == [f"{CODE}/2014-{i:05d}" for i in range(1, n + 1)]
    assert IndexSequence.objects.get(organisation=organisation, year=2014).last == n
