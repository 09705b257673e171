"""P12: policy documents' validity: dates, the prominent status, lists that leave out
documents no longer in force, and the periodic task that applies expiry dates."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import TestCase
from wagtail.signals import page_published

from cms.clock import periodic_tasks
from cms.disclosure import Validity, in_force
from cms.models import ArticlePage
from cms.validity import apply_expiry_dates, expire_due
from tests.factories import make_article, make_column, make_site

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
TODAY = dt.date(2015, 3, 20)


class ValidityTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname="validity.test.localhost")
        cls.column = make_column(cls.site.home, title="政策文件", column_type="政策文件")
        cls.docs = {
            validity: make_article(cls.column, title=f"文件（{label}）", validity=validity)
            for validity, label in Validity.choices
        }

    def get(self, url, **params):
        return self.client.get(url, params, HTTP_HOST="validity.test.localhost")

    def test_in_force_leaves_out_repealed_and_expired(self):
        kept = set(in_force(ArticlePage.objects.filter(pk__in=[p.pk for p in self.docs.values()])))
        assert {page.validity for page in kept} == {Validity.NONE, Validity.VALID, Validity.AMENDED}

    def test_column_list_can_leave_out_invalid_documents(self):
        everything = self.get(self.column.url).content.decode()
        only_valid = self.get(self.column.url, validity="in_force").content.decode()
        assert "文件（已废止）" in everything and "文件（已失效）" in everything
        assert "文件（已废止）" not in only_valid and "文件（已失效）" not in only_valid
        assert "文件（有效）" in only_valid and "文件（已修改）" in only_valid
        assert "只显示现行有效文件" in everything

    def test_status_and_dates_show_on_the_page(self):
        page = self.docs[Validity.EXPIRED]
        page.effective_at, page.expires_at = dt.date(2010, 1, 1), dt.date(2014, 12, 31)
        page.save_revision().publish()
        html = self.get(page.url).content.decode()
        assert 'role="status"' in html
        assert '施行日期：<time datetime="2010-01-01">' in html and "有效期至：" in html
        assert "本文件已不再有效，仅供查阅。" in html

    def test_expiry_before_effective_date_is_refused(self):
        page = self.docs[Validity.VALID]
        page.effective_at, page.expires_at = dt.date(2015, 1, 1), dt.date(2014, 1, 1)
        with pytest.raises(ValidationError) as caught:
            page.full_clean()
        assert caught.value.message_dict["expires_at"] == ["有效期截止日期不能早于施行日期。"]


class ExpiryTaskTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(hostname="expiry.test.localhost")
        cls.column = make_column(site.home, title="政策文件", column_type="政策文件")

    def test_passed_expiry_dates_are_applied_through_a_published_revision(self):
        due = make_article(self.column, validity=Validity.VALID, expires_at=TODAY - dt.timedelta(days=1))
        amended = make_article(
            self.column, validity=Validity.AMENDED, expires_at=TODAY - dt.timedelta(days=30)
        )
        last_day = make_article(self.column, validity=Validity.VALID, expires_at=TODAY)
        repealed = make_article(
            self.column, validity=Validity.REPEALED, expires_at=TODAY - dt.timedelta(days=3)
        )
        draft_only = make_article(
            self.column, publish=False, validity=Validity.VALID, expires_at=dt.date(2000, 1, 1)
        )
        # An editor's pending draft of a due document keeps its edits.
        pending = ArticlePage.objects.get(pk=due.pk)
        pending.summary = "修订中的摘要"
        pending.save_revision()
        published = []

        def receiver(sender, instance, **kwargs):
            published.append((instance.pk, instance.validity))

        page_published.connect(receiver, dispatch_uid="test_validity_expiry")
        try:
            with time_machine.travel(dt.datetime(2015, 3, 20, 0, 5, tzinfo=SHANGHAI), tick=False):
                assert {p.pk for p in expire_due()} == {due.pk, amended.pk}
                assert expire_due() == []  # applied once
        finally:
            page_published.disconnect(dispatch_uid="test_validity_expiry")
        assert sorted(published) == sorted([(due.pk, Validity.EXPIRED), (amended.pk, Validity.EXPIRED)])
        due.refresh_from_db()
        assert due.validity == Validity.EXPIRED and due.summary != "修订中的摘要"
        draft = due.get_latest_revision_as_object()
        assert (draft.validity, draft.summary) == (Validity.EXPIRED, "修订中的摘要")
        for page, validity in (
            (last_day, Validity.VALID),
            (repealed, Validity.REPEALED),
            (draft_only, Validity.VALID),
        ):
            page.refresh_from_db()
            assert page.validity == validity

    def test_the_task_is_on_the_clock(self):
        assert apply_expiry_dates in periodic_tasks()
        make_article(self.column, validity=Validity.VALID, expires_at=dt.date(2001, 1, 1))
        result = apply_expiry_dates.enqueue()
        assert result.return_value == 1
