"""Every admin view scoped to the user's sites (issue 14): a county editor sees nothing of
the city portal's unpublished content through the snippet choosers and listings of the
interviews' questions and live text, the budget coverage, bulk-action confirm pages, the
page chooser, the workflow views and the reports.

Each secret below is a text that exists only in the city's drafts, pending questions or
files; every answer a county user gets is searched for all of them (and the messages the
answer carries, which Wagtail fills with titles). Each refusal has a matching test that the
user's own site still works, so a broken fixture cannot pass as a refusal.
"""

import io
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image as PILImage
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from budgets.pages import BudgetColumnPage
from budgets.tables import Kind
from interaction.interviews import LiveEntry, Question
from sites.admin_views import ScopedBulkActionMixin
from tests.cms.budget_fixtures import make_disclosure
from tests.factories import make_article, make_column, make_organisation, make_portal, make_site, make_user
from tests.interaction.builders import make_interview

Image = get_image_model()
Document = get_document_model()
with translation.override("zh-hans"):
    DENIED_MESSAGE = translation.gettext("Sorry, you do not have permission to access this area.")

# Texts only the city's unpublished content holds. Latin words in titles: the admin search
# backend does not segment Chinese.
CITY_DRAFT = "市政府未发布的草稿 Draft"
CITY_PUBLIC = "市政府公开的文章 Public"
CITY_REVISED = "市政府修订中的标题 Revised"  # a live page's pending draft title
CITY_COLUMN_REVISED = "市政府栏目修订中的名称"
CITY_QUESTION = "市长访谈待审核的问题"
CITY_ENTRY = "市长访谈的直播文字"
CITY_IMAGE = "市政府会议图片"
CITY_DOCUMENT = "市政府内部文件"
CITY_IN_REVIEW = "市政府审核中的稿件 Review"
CITY_DISCLOSURE_ORG = "郴州市保密局"
CITY_USER = "czs_boss"  # another site's staff: the reports' filters named them
SECRETS = [
    CITY_USER,
    CITY_DRAFT,
    CITY_REVISED,
    CITY_COLUMN_REVISED,
    CITY_QUESTION,
    CITY_ENTRY,
    CITY_IMAGE,
    CITY_DOCUMENT,
    CITY_IN_REVIEW,
    CITY_DISCLOSURE_ORG,
]

OWN_DRAFT = "北湖区未发布的草稿 Draft"
OWN_QUESTION = "北湖区访谈待审核的问题"
OWN_ENTRY = "北湖区访谈的直播文字"
OWN_IMAGE = "北湖区会议图片"
OWN_DOCUMENT = "北湖区工作文件"
OWN_IN_REVIEW = "北湖区审核中的稿件 Review"


def _image(name, title, collection):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return Image.objects.create(
        title=title, file=ContentFile(buffer.getvalue(), name=name), collection=collection
    )


def _document(name, title, collection):
    return Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 test", name=name), collection=collection
    )


def _budget_column(parent, slug, organisation):
    column = BudgetColumnPage(title="部门预决算公开", slug=slug)
    parent.add_child(instance=column)
    column.departments.set([organisation])
    column.save_revision().publish()
    return column


class Site:
    """One site's content: a news column with a draft and a page in review, an interview
    with a pending question and a live entry, a budget column with a draft disclosure, an
    image and a document."""

    def __init__(self, provisioned, slug, *, draft, in_review, question, entry, image, document, org):
        self.provisioned = provisioned
        home = provisioned.home
        self.column = make_column(home, title=f"{slug}工作动态 News", slug=f"{slug}-news")
        self.draft = make_article(self.column, title=draft, publish=False, live=False)
        self.in_review = make_article(self.column, title=in_review, publish=False, live=False)
        provisioned.workflow.start(self.in_review, make_user(f"{slug}_boss", superuser=True))
        self.interview_column = make_column(home, title="在线访谈", slug=f"{slug}-ft")
        self.interview = make_interview(self.interview_column, title=f"{slug}访谈 Interview")
        self.question = Question.objects.create(interview=self.interview, nickname="网友", text=question)
        self.entry = LiveEntry.objects.create(interview=self.interview, speaker="主持人", text=entry)
        self.image = _image(f"{slug}.png", image, provisioned.collection)
        self.document = _document(f"{slug}.pdf", document, provisioned.collection)
        xxgk = make_column(home, title="信息公开", slug=f"{slug}-xxgk")
        self.budget_column = _budget_column(xxgk, f"{slug}-bmyjs", make_organisation(org))
        self.disclosure = make_disclosure(
            self.budget_column, self.budget_column.departments.get(), 2014, Kind.BUDGET, publish=False
        )


def _build_cluster():
    city = Site(
        make_portal("www.czs.test.localhost"),
        "czs",
        draft=CITY_DRAFT,
        in_review=CITY_IN_REVIEW,
        question=CITY_QUESTION,
        entry=CITY_ENTRY,
        image=CITY_IMAGE,
        document=CITY_DOCUMENT,
        org=CITY_DISCLOSURE_ORG,
    )
    # A published page whose next title waits as a draft, and a clean published page.
    city.revised = make_article(city.column, title=CITY_PUBLIC)
    city.revised.title = CITY_REVISED
    city.revised.save_revision()
    city.public = make_article(city.column, title="市政府已发布的文章 Published")
    county = Site(
        make_site("bhq.test.localhost", "北湖区人民政府", slug="bhq"),
        "bhq",
        draft=OWN_DRAFT,
        in_review=OWN_IN_REVIEW,
        question=OWN_QUESTION,
        entry=OWN_ENTRY,
        image=OWN_IMAGE,
        document=OWN_DOCUMENT,
        org="北湖区财政局",
    )
    return city, county


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker):
    """Built once for the module, in a transaction rolled back at its end; each test runs
    in a savepoint inside it (pytest-django's own), so what a test changes is undone."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_cluster()
        transaction.set_rollback(True)


@pytest.fixture
def city(cluster):
    return cluster[0]


@pytest.fixture
def county(cluster):
    return cluster[1]


@pytest.fixture
def editor(client, city, county):
    """A county editor: page and collection permissions on the county site only, no
    snippet permissions."""
    client.force_login(make_user("bhq_editor", county.provisioned.groups["editor"]))
    return client


@pytest.fixture
def moderator(client, city, county):
    """A county editor who also moderates interviews (the interaction models' permissions,
    which are not per site: the scoping must come from the interview's page)."""
    moderators = Group.objects.create(name="访谈主持人")
    moderators.permissions.set(
        Permission.objects.filter(
            content_type__app_label="interaction", content_type__model__in=["question", "liveentry"]
        )
    )
    client.force_login(make_user("bhq_moderator", county.provisioned.groups["editor"], moderators))
    return client


def fresh(page):
    """The page as stored now: the fixture's objects are shared by the module's tests,
    whose changes are rolled back."""
    return Page.objects.get(pk=page.pk).specific


def body_and_messages(response):
    text = response.content.decode(errors="replace")
    context = response.context
    if context is not None and "messages" in context:
        text += " ".join(str(m) for m in context["messages"])
    return text


def assert_no_secrets(response):
    text = body_and_messages(response)
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, leaked


def assert_refused(client, url, method="get", data=None):
    """Wagtail's refusal: the dashboard with its (Chinese) message, or 403 to a modal's
    XMLHttpRequest; neither names anything of the other site."""
    response = getattr(client, method)(url, data or {}, follow=True)
    assert response.redirect_chain and response.redirect_chain[-1] == (reverse("wagtailadmin_home"), 302)
    assert DENIED_MESSAGE in [str(m).strip() for m in response.context["messages"]]
    assert_no_secrets(response)
    xhr = getattr(client, method)(url, data or {}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert xhr.status_code == 403
    assert_no_secrets(xhr)


def modal_html(response):
    assert response.status_code == 200
    return json.loads(response.content)["html"]


# ---- 1. questions and live text of interviews (snippets) -----------------------------------


def chooser_urls(model, obj):
    namespace = f"wagtailsnippetchoosers_interaction_{model}"
    return [
        reverse(f"{namespace}:choose"),
        reverse(f"{namespace}:choose_results"),
        reverse(f"{namespace}:chosen", args=[obj.pk]),
        reverse(f"{namespace}:chosen_multiple") + f"?id={obj.pk}",
    ]


@pytest.mark.parametrize("model", ["question", "liveentry"])
def test_snippet_chooser_refused_without_the_models_permission(editor, city, county, model):
    obj = city.question if model == "question" else city.entry
    for url in chooser_urls(model, obj):
        assert_refused(editor, url)


@pytest.mark.parametrize("model", ["question", "liveentry"])
def test_snippet_chooser_offers_a_moderator_own_sites_entries_only(moderator, city, county, model):
    own, other = (county.question, city.question) if model == "question" else (county.entry, city.entry)
    choose, results, chosen, chosen_multiple = chooser_urls(model, other)
    html = modal_html(moderator.get(choose))
    assert own.text in html
    assert other.text not in html
    results_html = moderator.get(results).content.decode()
    assert own.text in results_html and other.text not in results_html

    response = moderator.get(chosen)
    assert response.status_code == 404
    assert_no_secrets(response)
    namespace = f"wagtailsnippetchoosers_interaction_{model}"
    both = moderator.get(reverse(f"{namespace}:chosen_multiple"), {"id": [own.pk, other.pk]})
    assert [item["id"] for item in json.loads(both.content)["result"]] == [str(own.pk)]
    assert_no_secrets(both)
    own_chosen = json.loads(moderator.get(reverse(f"{namespace}:chosen", args=[own.pk])).content)
    assert own_chosen["result"]["id"] == str(own.pk)


def snippet_urls(model, obj):
    namespace = f"wagtailsnippets_interaction_{model}"
    urls = {
        view: reverse(f"{namespace}:{view}", args=[obj.pk]) for view in ("edit", "delete", "history", "usage")
    }
    if model == "liveentry":
        urls["copy"] = reverse(f"{namespace}:copy", args=[obj.pk])
    return urls


@pytest.mark.parametrize("model", ["question", "liveentry"])
def test_moderator_listing_shows_own_sites_entries_only(moderator, city, county, model):
    own, other = (county.question, city.question) if model == "question" else (county.entry, city.entry)
    response = moderator.get(reverse(f"wagtailsnippets_interaction_{model}:list"))
    assert response.status_code == 200
    assert own.text in response.content.decode()
    assert_no_secrets(response)


@pytest.mark.parametrize("model", ["question", "liveentry"])
def test_other_sites_entries_refused_in_every_snippet_view(moderator, city, county, model):
    other = city.question if model == "question" else city.entry
    for url in snippet_urls(model, other).values():
        assert_refused(moderator, url)
    # Posting an edit or a deletion changes nothing.
    assert_refused(moderator, snippet_urls(model, other)["delete"], method="post")
    assert type(other).objects.filter(pk=other.pk, text=other.text).exists()


@pytest.mark.parametrize("model", ["question", "liveentry"])
def test_own_sites_entries_open_in_every_snippet_view(moderator, city, county, model):
    own = county.question if model == "question" else county.entry
    for view, url in snippet_urls(model, own).items():
        response = moderator.get(url)
        assert response.status_code == 200, (view, response.status_code)


def test_editor_without_the_models_permission_gets_no_listing(editor, city, county):
    for model in ("question", "liveentry"):
        assert_refused(editor, reverse(f"wagtailsnippets_interaction_{model}:list"))


def test_live_text_can_be_added_to_own_interviews_only(moderator, city, county):
    url = reverse("wagtailsnippets_interaction_liveentry:add")
    form = {"speaker": "主持人", "text": "新的直播文字", "posted_at": "2014-06-18 10:00"}
    response = moderator.post(url, {**form, "interview": city.interview.pk})
    assert response.status_code == 200  # the form again, with an error
    assert not LiveEntry.objects.filter(text="新的直播文字").exists()
    assert_no_secrets(response)

    response = moderator.post(url, {**form, "interview": county.interview.pk})
    assert response.status_code == 302
    assert LiveEntry.objects.get(text="新的直播文字").interview_id == county.interview.pk


def test_moderator_bulk_delete_names_own_questions_only(moderator, city, county):
    url = reverse("wagtail_bulk_action", args=["interaction", "question", "delete"])
    assert moderator.get(url, {"id": city.question.pk}).status_code == 404
    response = moderator.get(url, {"id": [city.question.pk, county.question.pk]})
    assert response.status_code == 200
    assert OWN_QUESTION in response.content.decode()
    assert_no_secrets(response)
    moderator.post(url + f"?id={city.question.pk}&id={county.question.pk}")
    assert Question.objects.filter(pk=city.question.pk).exists()
    assert not Question.objects.filter(pk=county.question.pk).exists()


# ---- 2. budget coverage ---------------------------------------------------------------------


def test_coverage_of_another_sites_column_is_refused(editor, city, county):
    url = reverse("budgets_coverage") + f"?column={city.budget_column.pk}&year=2014"
    assert_refused(editor, url)
    # An id that is no column at all gets the same answer.
    assert_refused(editor, reverse("budgets_coverage") + "?column=999999&year=2014")


def test_coverage_offers_and_shows_own_columns_only(editor, city, county):
    response = editor.get(reverse("budgets_coverage"), {"year": 2014})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{county.budget_column.pk}"' in html
    assert f'value="{city.budget_column.pk}"' not in html
    assert "北湖区财政局" in html and "✓ 草稿（未发布）" in html
    assert_no_secrets(response)
    own = editor.get(reverse("budgets_coverage"), {"column": county.budget_column.pk, "year": 2014})
    assert own.status_code == 200 and "北湖区财政局" in own.content.decode()


def test_superuser_coverage_still_offers_every_column(client, city, county):
    client.force_login(make_user("root", superuser=True))
    html = client.get(reverse("budgets_coverage"), {"column": city.budget_column.pk, "year": 2014}).content
    html = html.decode()
    assert CITY_DISCLOSURE_ORG in html
    assert f'value="{county.budget_column.pk}"' in html


# ---- 3. bulk-action confirm pages -------------------------------------------------------------


BULK_ACTIONS = [
    ("wagtailimages", "image", "delete"),
    ("wagtailimages", "image", "add_tags"),
    ("wagtailimages", "image", "add_to_collection"),
    ("wagtaildocs", "document", "delete"),
    ("wagtaildocs", "document", "add_tags"),
    ("wagtaildocs", "document", "add_to_collection"),
    ("wagtailcore", "page", "delete"),
    ("wagtailcore", "page", "move"),
    ("wagtailcore", "page", "publish"),
    ("wagtailcore", "page", "unpublish"),
]


def bulk_objects(site, model):
    if model == "image":
        return [site.image]
    if model == "document":
        return [site.document]
    return [site.draft, site.in_review, *([site.revised] if hasattr(site, "revised") else [])]


@pytest.mark.parametrize(("app_label", "model", "action"), BULK_ACTIONS)
def test_bulk_confirm_page_never_names_other_sites_objects(editor, city, county, app_label, model, action):
    url = reverse("wagtail_bulk_action", args=[app_label, model, action])
    others = [obj.pk for obj in bulk_objects(city, model)]
    response = editor.get(url, {"id": others})
    assert response.status_code == 404
    assert_no_secrets(response)

    own = bulk_objects(county, model)[0]
    response = editor.get(url, {"id": [*others, own.pk]})
    assert response.status_code == 200
    assert own.title in response.content.decode()
    assert_no_secrets(response)


def test_bulk_all_in_another_sites_listing_names_nothing(editor, city, county):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    response = editor.get(url, {"id": "all", "childOf": city.column.pk})
    assert response.status_code == 404
    assert_no_secrets(response)


def test_bulk_action_on_other_sites_objects_changes_nothing(editor, city, county):
    url = reverse("wagtail_bulk_action", args=["wagtailimages", "image", "delete"])
    editor.post(f"{url}?id={city.image.pk}&id={county.image.pk}")
    assert Image.objects.filter(pk=city.image.pk).exists()
    assert not Image.objects.filter(pk=county.image.pk).exists()

    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    editor.post(f"{url}?id={city.draft.pk}", {"include_descendants": ""})
    assert not Page.objects.get(pk=city.draft.pk).live


def test_bulk_move_to_another_sites_page_names_no_destination(editor, city, county):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"]) + f"?id={county.draft.pk}"
    response = editor.post(url, {"chooser": city.draft.pk})
    assert response.status_code == 200  # the form again: not a valid choice
    assert_no_secrets(response)
    assert Page.objects.get(pk=county.draft.pk).get_parent().pk == county.column.pk


def test_every_registered_bulk_action_is_scoped():
    bulk_action_registry._scan_for_bulk_actions()
    actions = [
        action for models in bulk_action_registry.actions.values() for by_name in models.values()
        for action in by_name.values()
    ]  # fmt: skip
    assert actions
    unscoped = [action for action in actions if not issubclass(action, ScopedBulkActionMixin)]
    assert not unscoped, unscoped


# ---- 4. the page chooser --------------------------------------------------------------------


def test_chooser_lists_other_sites_pages_as_the_public_sees_them(editor, city, county):
    html = modal_html(editor.get(reverse("wagtailadmin_choose_page_child", args=[city.column.pk])))
    assert "市政府已发布的文章 Published" in html
    for secret in (CITY_DRAFT, CITY_REVISED, CITY_IN_REVIEW):
        assert secret not in html
    own = modal_html(editor.get(reverse("wagtailadmin_choose_page_child", args=[county.column.pk])))
    assert OWN_DRAFT in own and OWN_IN_REVIEW in own


def test_chooser_browses_other_sites_pages_whose_draft_keeps_the_title(editor, city, county):
    """A pending draft that does not rename a page (a home page's new banner) leaves it
    browsable: syndication into its columns stays possible."""
    fresh(city.column).save_revision()
    assert fresh(city.column).has_unpublished_changes
    home = modal_html(editor.get(reverse("wagtailadmin_choose_page_child", args=[city.provisioned.home.pk])))
    assert city.column.title in home
    response = editor.get(reverse("wagtailadmin_choose_page_child", args=[city.column.pk]))
    assert "市政府已发布的文章 Published" in modal_html(response)
    assert_no_secrets(response)


def test_chooser_does_not_open_other_sites_drafts_as_parent(editor, city, county):
    for page in (city.draft, city.revised):
        response = editor.get(reverse("wagtailadmin_choose_page_child", args=[page.pk]))
        assert response.status_code == 404
        assert_no_secrets(response)
    assert editor.get(reverse("wagtailadmin_choose_page_child", args=[county.draft.pk])).status_code == 200


def test_chooser_limited_to_a_page_type_opens_at_the_root(editor, city, county):
    """Wagtail opens such a chooser at the nearest common ancestor of all pages of the type:
    here a city column whose new name is a draft (only the city has a notice)."""
    from tests.itemtype.models import NoticePage

    notice = NoticePage(title="市政府通知 Notice", slug="notice", live=False)
    column = fresh(city.interview_column)
    column.add_child(instance=notice)
    notice.save_revision()
    column.title = CITY_COLUMN_REVISED
    column.save_revision()
    response = editor.get(reverse("wagtailadmin_choose_page"), {"page_type": "itemtype_test.noticepage"})
    assert json.loads(response.content)["parent_page_id"] == Page.get_first_root_node().pk
    assert_no_secrets(response)


def test_chooser_search_finds_no_other_sites_drafts(editor, city, county):
    for query in ("Draft", "Revised", "Public", "Review"):
        response = editor.get(reverse("wagtailadmin_choose_page_search"), {"q": query})
        assert response.status_code == 200
        assert_no_secrets(response)
    html = editor.get(reverse("wagtailadmin_choose_page_search"), {"q": "Draft"}).content.decode()
    assert OWN_DRAFT in html


def test_chooser_search_does_not_name_a_parents_draft_title(editor, city, county):
    column = fresh(city.column)
    column.title = CITY_COLUMN_REVISED
    column.save_revision()
    response = editor.get(reverse("wagtailadmin_choose_page_search"), {"q": "Published"})
    assert "市政府已发布的文章 Published" in response.content.decode()
    assert_no_secrets(response)


def test_chosen_pages_json_names_choosable_pages_only(editor, city, county):
    ids = [city.draft.pk, city.revised.pk, city.in_review.pk, city.public.pk, county.draft.pk]
    response = editor.get(reverse("wagtailadmin_choose_page_chosen_multiple"), {"id": ids})
    result = json.loads(response.content)["result"]
    assert sorted(item["id"] for item in result) == sorted([city.public.pk, county.draft.pk])
    assert_no_secrets(response)


def test_external_link_to_another_sites_page_with_a_draft_stays_external(editor, city, county):
    url = reverse("wagtailadmin_choose_page_external_link")
    link = city.revised.get_full_url()
    response = editor.post(url, {"external-link-chooser-url": link, "external-link-chooser-link_text": ""})
    data = json.loads(response.content)
    assert data["step"] == "external_link_chosen"
    assert "id" not in data["result"] and data["result"]["url"] == link
    assert_no_secrets(response)
    # A page as the public sees it still becomes an internal link.
    own = editor.post(url, {"external-link-chooser-url": city.public.get_full_url()})
    data = json.loads(own.content)
    assert (data.get("result") or data.get("internal"))["id"] == city.public.pk


# ---- 5. workflow views ----------------------------------------------------------------------


def workflow_urls(page, task_state):
    return {
        "confirm_cancellation": reverse("wagtailadmin_pages:confirm_workflow_cancellation", args=[page.pk]),
        "preview": reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task_state.task_id]),
        "action": reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        "collect": reverse(
            "wagtailadmin_pages:collect_workflow_action_data", args=[page.pk, "approve", task_state.pk]
        ),
        "history": reverse("wagtailadmin_pages:workflow_history", args=[page.pk]),
    }


@pytest.mark.parametrize("view", ["confirm_cancellation", "preview", "action", "collect", "history"])
def test_workflow_views_refuse_other_sites_pages(editor, city, county, view):
    # The page in review, and pages in none (Wagtail named those in its "not awaiting
    # moderation" message to anyone).
    task_state = city.in_review.current_workflow_task_state
    for page in (city.in_review, city.draft, city.revised):
        assert_refused(editor, workflow_urls(page, task_state)[view])


def test_workflow_cancellation_confirm_opens_for_own_page(editor, city, county):
    urls = workflow_urls(county.in_review, county.in_review.current_workflow_task_state)
    response = editor.get(urls["confirm_cancellation"])
    assert response.status_code == 200
    assert json.loads(response.content)["step"] == "confirm"
    history = editor.get(urls["history"])
    assert history.status_code == 200 and OWN_IN_REVIEW in history.content.decode()


# ---- 6. reports and the admin page search ------------------------------------------------------


@pytest.mark.parametrize(
    "report", ["workflow", "workflow_tasks", "aging_pages", "site_history", "locked_pages"]
)
def test_reports_name_no_other_sites_pages(client, city, county, report):
    # An approver: the aging pages and locked pages reports need publish/unlock rights.
    approver = make_user("bhq_approver", county.provisioned.groups["approver"])
    client.force_login(approver)
    for page, user in ((county.draft, approver), (city.draft, make_user("czs_editor"))):
        Page.objects.filter(pk=page.pk).update(locked=True, locked_by=user, locked_at=timezone.now())
    response = client.get(reverse(f"wagtailadmin_reports:{report}"), follow=True)
    assert response.status_code == 200
    assert_no_secrets(response)
    html = response.content.decode()
    if report in ("workflow", "workflow_tasks"):
        assert OWN_IN_REVIEW in html
    if report in ("workflow", "site_history"):
        # The filter by user offers the own site's (who started its page's review).
        assert "bhq_boss" in html


def test_page_types_report_is_for_superusers_only(editor, city, county):
    assert_refused(editor, reverse("wagtailadmin_reports:page_types_usage"))
    assert_refused(editor, reverse("wagtailadmin_reports:page_types_usage_results"))
    menu = editor.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailadmin_reports:page_types_usage") not in menu
    assert reverse("wagtailadmin_reports:workflow") in menu


def test_superuser_still_has_the_page_types_report(client, city, county):
    client.force_login(make_user("root", superuser=True))
    assert client.get(reverse("wagtailadmin_reports:page_types_usage")).status_code == 200


def test_admin_page_search_finds_no_other_sites_drafts(editor, city, county):
    for query in ("Draft", "Revised", "Public", "Review"):
        response = editor.get(reverse("wagtailadmin_pages:search"), {"q": query})
        assert response.status_code == 200
        assert_no_secrets(response)
    html = editor.get(reverse("wagtailadmin_pages:search"), {"q": "Draft"}).content.decode()
    assert OWN_DRAFT in html
