"""The demo 市长信箱 (demo/mailbox.py) on its own, without the whole load_demo: its
generated letters of 2014 H1 reproduce the report's 967 received, 906 replied, 93.69 %,
with declined letters and duplicates counted on their own; a second run adds nothing."""

import datetime as dt

from django.test import TestCase

from demo import plan
from demo.mailbox import DUPLICATES, PUBLISHED, REJECTED, ensure_mailbox, generate_letters
from interaction.letter_statistics import Period, compute
from interaction.mailbox import Letter, LetterPage, LetterStatus, MailboxPage
from tests.factories import make_column, make_organisation, make_site

H1 = Period.of_span(2014, "h1")
HOST = "demo-mailbox.test.localhost"


class DemoMailboxTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(hostname=HOST, name="郴州市人民政府")
        cls.column = make_column(cls.site.home, title="互动交流", slug="hdjl")
        cls.organisations = {
            key: make_organisation(name, code=plan.credit_code(division, serial))
            for key, name, _, division, serial, _ in plan.ORGANISATIONS
            if key in ("szfb", "fgw", "jyj", "gaj", "mzj", "czj")
        }
        cls.created = ensure_mailbox(cls.column, cls.organisations)
        cls.mailbox = MailboxPage.objects.get(slug="zxts")

    def test_the_reports_figures_for_the_first_half_of_2014(self):
        total = compute([self.mailbox.pk], H1, today=dt.date(2014, 7, 1)).total
        assert (total.received, total.replied, str(total.reply_rate)) == (967, 906, "93.69")
        assert (total.accepted, total.pending) == (967, 0)
        assert (total.rejected, total.duplicate) == (REJECTED, DUPLICATES) and REJECTED and DUPLICATES
        assert self.created == 967 + REJECTED + DUPLICATES
        # Realistic handling: most on time but not all, a few working days on average,
        # part of the replies rated, mostly satisfied.
        assert 85 < total.on_time_rate < 99 and 5 < total.average_days < 12
        assert 300 < total.evaluated < 500 and total.satisfaction_rate > 80
        assert len(compute([self.mailbox.pk], H1).units) >= 5

    def test_the_public_page_shows_them(self):
        html = self.client.get(f"{self.mailbox.url}tongji/", {"year": "2014", "span": "h1"}, HTTP_HOST=HOST)
        html = html.content.decode()
        assert ">967<" in html and ">906<" in html and ">93.69<" in html
        # Without a choice the page opens on the half-year of the latest letters.
        assert ">93.69<" in self.client.get(f"{self.mailbox.url}tongji/", HTTP_HOST=HOST).content.decode()

    def test_duplicates_point_at_the_same_letter_and_some_replies_are_published(self):
        duplicates = Letter.objects.filter(mailbox=self.mailbox, status=LetterStatus.DUPLICATE)
        assert all(d.duplicate_of and d.duplicate_of.title == d.title for d in duplicates)
        pages = LetterPage.objects.child_of(self.mailbox).live()
        assert pages.count() == PUBLISHED
        page = pages.first()
        letter = Letter.objects.get(page=page)
        assert letter.consent_publish and page.writer.endswith("*") and letter.name not in page.writer

    def test_a_second_run_changes_nothing(self):
        assert ensure_mailbox(self.column, self.organisations) == 0
        assert Letter.objects.filter(mailbox=self.mailbox).count() == self.created

    def test_the_generator_is_deterministic(self):
        units = {"fgw": self.organisations["fgw"]}
        first = generate_letters(self.mailbox, units, "办公室")
        again = generate_letters(self.mailbox, units, "办公室")
        assert [(x.title, x.submitted_at, x.status, x.replied_at) for x in first] == [
            (x.title, x.submitted_at, x.status, x.replied_at) for x in again
        ]
