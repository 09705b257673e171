"""The demo cluster loader: what `manage.py load_demo` builds (run once for the package by
tests/demo/conftest.py), and that a second run changes nothing."""

from datetime import timedelta
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PagePermissionTester, Revision, Site

from cms.pages import ArticleAttachment, ArticlePage, ColumnPage, ColumnType, HomePage, TopicPage
from cms.snippets import Organisation, validate_credit_code
from demo.cluster import DEMO_PASSWORD
from demo.content import load_seed
from interaction.interviews import Interview, LiveEntry, Question, QuestionStatus
from search.models import IndexEntry
from search.service import SearchParams, search
from sites.models import SiteProfile

SITES = {
    "www.czs.localhost": ("郴州市人民政府", "4310000001", "portal"),
    "en.czs.localhost": ("Chenzhou Municipal People's Government", "4310000002", "english"),
    "bhq.czs.localhost": ("北湖区人民政府", "4310020001", "county"),
    "zxs.czs.localhost": ("资兴市人民政府", "4310810001", "county"),
    "dzzw.czs.localhost": ("郴州市电子政务信息中心", "bm43100001", "department"),
}
SEARCH_TERMS = ["市长信箱", "三公经费", "视频会议", "智能天网", "电子监察"]


def _counts():
    return {
        "sites": Site.objects.count(),
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
        "organisations": Organisation.objects.count(),
        "attachments": ArticleAttachment.objects.count(),
        "interviews": Interview.objects.count(),
        "live entries": LiveEntry.objects.count(),
        "questions": Question.objects.count(),
    }


class DemoClusterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        # The package's fixture (tests/demo/conftest.py) ran the loader on a fresh database;
        # this is the second run.
        cls.first = _counts()
        cls.first_latest = dict(ArticlePage.objects.values_list("pk", "latest_revision_id"))
        out = StringIO()
        call_command("load_demo", stdout=out)
        cls.second_output = out.getvalue()
        cls.second = _counts()
        cls.second_latest = dict(ArticlePage.objects.values_list("pk", "latest_revision_id"))
        cls.homes = {s.hostname: s.root_page.specific for s in Site.objects.select_related("root_page")}

    def test_second_run_changes_nothing(self):
        assert self.second == self.first
        assert self.second_latest == self.first_latest
        assert "未作改动" in self.second_output

    def test_the_five_sites_with_their_codes_replace_the_placeholder(self):
        assert not Page.objects.filter(depth=2, slug="home", content_type__model="page").exists()
        sites = {s.hostname: s for s in Site.objects.all()}
        assert set(sites) == set(SITES)
        for hostname, (name, code, kind) in SITES.items():
            profile = SiteProfile.for_site(sites[hostname])
            assert (sites[hostname].site_name, profile.site_code, profile.kind) == (name, code, kind)
            assert sites[hostname].port == 80
        assert Site.objects.get(is_default_site=True).hostname == "www.czs.localhost"
        assert SiteProfile.for_site(sites["en.czs.localhost"]).locale == "en"

    def test_at_least_200_live_chinese_articles_of_seed_text(self):
        chinese = ArticlePage.objects.live().filter(locale__language_code="zh-hans")
        assert chinese.count() >= 200
        seed_sentences = load_seed().sentences
        sample = chinese.order_by("pk")[::25]
        for article in sample:
            text = "".join(str(block.value) for block in article.body)
            assert any(sentence in text for sentence in seed_sentences), article.title
            assert "lorem" not in text.lower()

    def test_publish_times_spread_over_2014_with_some_recent(self):
        times = list(ArticlePage.objects.live().values_list("published_at", flat=True))
        months_2014 = {timezone.localtime(t).month for t in times if timezone.localtime(t).year == 2014}
        assert len(months_2014) >= 10
        assert any(timezone.now() - t < timedelta(days=10) for t in times)

    def test_articles_carry_disclosure_metadata(self):
        articles = ArticlePage.objects.live()
        with_number = articles.exclude(index_number=None)
        assert with_number.count() >= 200
        for article in with_number[:20]:
            assert article.index_number.startswith(article.organisation.credit_code + "/")
        policy = articles.get(doc_number="郴政办函〔2014〕82号")
        assert policy.category.name == "劳动、人事、监察"
        assert policy.written_at.year == 2014
        validities = set(articles.exclude(validity="").values_list("validity", flat=True))
        assert {"valid", "amended", "repealed", "expired"} <= validities
        for org in Organisation.objects.all():
            validate_credit_code(org.credit_code)
            assert org.name_en

    def test_www_columns_cover_the_p02_types(self):
        www = self.homes["www.czs.localhost"]
        used = set(ColumnPage.objects.descendant_of(www).values_list("column_type", flat=True))
        expected = set(ColumnType.values) - {ColumnType.HOME}
        assert expected <= used
        top = ColumnPage.objects.child_of(www)
        assert top.count() >= 8 and all(c.show_in_menus for c in top)
        for column in ColumnPage.objects.descendant_of(www):
            assert column.slug.isascii()
        news = ColumnPage.objects.descendant_of(www).get(slug="gzdt")
        assert news.review_workflow_id == www.default_news_workflow_id
        assert set(news.channels) >= {"web", "wap"}

    def test_topics_named_after_the_seed(self):
        titles = set(TopicPage.objects.live().values_list("title", flat=True))
        assert {"2014郴州两会", "创建国家卫生城市", "创建国家森林城市", "商事登记制度改革"} <= titles
        topic = TopicPage.objects.get(title="商事登记制度改革")
        assert {block.block_type for block in topic.sections} == {
            "banner",
            "column_feed",
            "rich_text",
            "gallery",
            "video_link",
            "related_links",
        }
        for topic in TopicPage.objects.all():
            links = next(b.value for b in topic.sections if b.block_type == "related_links")["links"]
            assert any(link["page"].specific_class is ArticlePage for link in links), topic.title
            gallery = next(b.value for b in topic.sections if b.block_type == "gallery")["images"]
            assert len(gallery) == 3 and all(image.contextual_alt_text for image in gallery)

    def test_every_search_term_has_articles(self):
        for term in SEARCH_TERMS:
            assert ArticlePage.objects.live().filter(title__contains=term).exists(), term

    def test_freshness_every_rated_column_has_a_recent_item(self):
        for column in ColumnPage.objects.exclude(update_frequency="none"):
            if column.articles().exists():
                newest = column.articles().first().published_at
                assert timezone.now() - newest < timedelta(days=10), column.title

    def test_syndication_and_attachments(self):
        bmdt = ColumnPage.objects.descendant_of(self.homes["www.czs.localhost"]).get(slug="bmdt")
        from_department = [a for a in bmdt.articles() if a.get_parent().pk != bmdt.pk]
        assert from_department
        assert all(a.url.startswith("http://dzzw.czs.localhost/") for a in from_department)
        attachment = ArticleAttachment.objects.select_related("document").first()
        assert attachment.document.file.read()

    def test_images_are_drawn_into_site_collections(self):
        images = get_image_model().objects.all()
        assert images.count() >= 40
        for name in ["郴州市人民政府", "北湖区人民政府", "郴州市电子政务信息中心"]:
            assert images.filter(collection__name=name).exists(), name
        image = images.first()
        assert image.width > 0 and image.title

    def test_english_portal_is_its_own_tree(self):
        en = self.homes["en.czs.localhost"]
        www = self.homes["www.czs.localhost"]
        assert isinstance(en, HomePage) and en.locale.language_code == "en"
        assert en.translation_key != www.translation_key  # not a Wagtail translation
        assert en.counterpart_id == www.pk and www.counterpart_id == en.pk
        articles = ArticlePage.objects.live().descendant_of(en)
        assert articles.count() >= 15
        assert set(articles.values_list("locale__language_code", flat=True)) == {"en"}
        assert all(a.title.isascii() for a in articles)

    def test_demo_users_log_in_and_stay_on_their_site(self):
        User = get_user_model()
        for username in ["admin", "www_editor", "www_reviewer", "www_approver", "bhq_editor"]:
            # Through the admin's login form (the lockout backend wants the request).
            response = self.client.post(
                "/admin/login/",
                {"username": username, "password": DEMO_PASSWORD},
                HTTP_HOST="www.czs.localhost",
            )
            assert response.status_code == 302 and "_auth_user_id" in self.client.session, username
            self.client.logout()
        assert User.objects.get(username="admin").is_superuser
        bhq_editor = User.objects.get(username="bhq_editor")
        www_news = ColumnPage.objects.descendant_of(self.homes["www.czs.localhost"]).get(slug="gzdt")
        tester = PagePermissionTester(bhq_editor, www_news)
        assert not (tester.can_edit() or tester.can_add_subpage() or tester.can_publish())
        bhq_news = ColumnPage.objects.descendant_of(self.homes["bhq.czs.localhost"]).get(slug="zwdt")
        assert PagePermissionTester(bhq_editor, bhq_news).can_add_subpage()
        assert bhq_editor.wagtail_userprofile.preferred_language == "zh-hans"

    def test_interviews_on_the_portal_with_unapproved_questions_kept_hidden(self):
        www = self.homes["www.czs.localhost"]
        column = ColumnPage.objects.descendant_of(www).get(slug="zxft")
        interviews = list(Interview.objects.live().child_of(column))
        assert len(interviews) == 6
        statuses = sorted(i.status for i in interviews)
        assert statuses == ["ended", "ended", "ended", "ended", "live", "preview"]
        pending = Question.objects.filter(status=QuestionStatus.PENDING, interview__in=interviews)
        assert pending.exists()
        for interview in interviews:
            assert interview.guests.exists(), interview.title
            if interview.status == "ended":
                assert interview.transcript and interview.entries.count() >= 3, interview.title
                assert Question.objects.public().filter(interview=interview).exclude(answer="").exists()
            assert interview.starts_at < interview.ends_at
        live = next(i for i in interviews if i.status == "live")
        assert live.starts_at <= timezone.now() <= live.ends_at
        preview = next(i for i in interviews if i.status == "preview")
        assert preview.starts_at > timezone.now()
        for question in pending.select_related("interview"):
            html = self.client.get(question.interview.url, HTTP_HOST="www.czs.localhost").content.decode()
            assert question.interview.title in html
            assert question.text not in html and question.nickname not in html
            assert question.text not in IndexEntry.objects.get(pk=question.interview_id).text
            answer = search(SearchParams(q=question.text, log=False, page_size=50))
            assert all(question.text not in str(r["highlight"]) for r in answer["results"])
        ended = next(i for i in interviews if i.title == "部门预决算和“三公”经费公开")
        html = self.client.get(ended.url, HTTP_HOST="www.czs.localhost").content.decode()
        assert "市财政局局长 张立新" in html and "文字实录" in html
        found = search(SearchParams(q="张立新", log=False))["results"]
        assert found[0]["id"] == ended.pk and found[0]["type"] == "interview"
