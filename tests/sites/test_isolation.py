"""Site isolation (issue 2 item 4): an editor of one county site can neither see nor edit,
preview or restore revisions of another site's pages, images or documents.

Everything goes through the real Wagtail admin views. Each denial has a matching test on
the editor's own site, so a denial that comes from a broken fixture (not from the
permission rules) makes the "own" test fail.
"""

import io
import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.factories import make_article, make_column, make_site, make_user

Image = get_image_model()
Document = get_document_model()
# Wagtail's own message, in the admin's default language (Chinese).
with translation.override("zh-hans"):
    DENIED_MESSAGE = translation.gettext("Sorry, you do not have permission to access this area.")


def _image_file(name):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


class SiteContent:
    """One provisioned county site with a column, an article with two revisions, an
    image and a document in the site's own collection."""

    def __init__(self, hostname, name, slug):
        self.provisioned = make_site(hostname, name, slug=slug)
        self.home = self.provisioned.home
        self.column = make_column(self.home, title=f"{name}工作动态", slug=f"{slug}-news")
        # A Latin word in the title: the admin search backend does not segment Chinese.
        self.article = make_article(self.column, title=f"{name}召开政务公开工作会议 Transparency")
        self.article.title = f"{name}召开政务公开工作会议（修订） Transparency"
        self.old_revision = self.article.revisions.order_by("created_at", "pk").first()
        self.new_revision = self.article.save_revision()
        self.image = Image.objects.create(
            title=f"{name}会议现场图片",
            file=_image_file(f"{slug}.png"),
            collection=self.provisioned.collection,
        )
        self.document = Document.objects.create(
            title=f"{name}政务公开工作要点",
            file=ContentFile(b"%PDF-1.4 test", name=f"{slug}.pdf"),
            collection=self.provisioned.collection,
        )


@pytest.fixture
def sites():
    a = SiteContent("bhq.test.localhost", "北湖区人民政府", "bhq")
    b = SiteContent("zxs.test.localhost", "资兴市人民政府", "zxs")
    return a, b


@pytest.fixture
def editor_client(client, sites):
    a, _ = sites
    client.force_login(make_user("bhq_editor", a.provisioned.groups["editor"]))
    return client


def assert_denied(response):
    """Wagtail answers a denied admin view with a redirect to the dashboard and an error."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("wagtailadmin_home")


def assert_denied_with_message(client, url, method="get", data=None):
    response = getattr(client, method)(url, data or {}, follow=True)
    assert response.redirect_chain[-1] == (reverse("wagtailadmin_home"), 302)
    assert DENIED_MESSAGE in [str(m).strip() for m in response.context["messages"]]


def page_urls(site):
    article = site.article
    return {
        "edit": reverse("wagtailadmin_pages:edit", args=[article.pk]),
        "preview": reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk]),
        "view_draft": reverse("wagtailadmin_pages:view_draft", args=[article.pk]),
        "history": reverse("wagtailadmin_pages:history", args=[article.pk]),
        "revision_view": reverse(
            "wagtailadmin_pages:revisions_view", args=[article.pk, site.old_revision.pk]
        ),
        "revisions_compare": reverse(
            "wagtailadmin_pages:revisions_compare",
            kwargs={
                "pk": article.pk,
                "revision_id_a": site.old_revision.pk,
                "revision_id_b": site.new_revision.pk,
            },
        ),
        "revert": reverse("wagtailadmin_pages:revisions_revert", args=[article.pk, site.old_revision.pk]),
        "add_subpage": reverse("wagtailadmin_pages:add_subpage", args=[site.column.pk]),
        "delete": reverse("wagtailadmin_pages:delete", args=[article.pk]),
        "copy": reverse("wagtailadmin_pages:copy", args=[article.pk]),
    }


# ---- pages: the explorer ------------------------------------------------------------


def test_explorer_root_shows_only_own_site(editor_client, sites):
    a, b = sites
    response = editor_client.get(reverse("wagtailadmin_explore_root"), follow=True)
    assert response.status_code == 200
    # The explorer opens at the editor's own site, never at the tree root.
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_explore", args=[a.home.pk])
    html = response.content.decode()
    assert a.column.title in html
    assert b.column.title not in html
    for page in (b.home, b.column, b.article):
        assert reverse("wagtailadmin_pages:edit", args=[page.pk]) not in html
        assert reverse("wagtailadmin_explore", args=[page.pk]) not in html


def test_explorer_of_other_site_redirects_to_own_site(editor_client, sites):
    a, b = sites
    for page in (b.home, b.column):
        response = editor_client.get(reverse("wagtailadmin_explore", args=[page.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_explore", args=[a.home.pk])
        followed = editor_client.get(response["Location"]).content.decode()
        assert b.column.title not in followed and b.article.title not in followed


def test_own_column_listing_shows_own_articles(editor_client, sites):
    a, _ = sites
    response = editor_client.get(reverse("wagtailadmin_explore", args=[a.column.pk]))
    assert response.status_code == 200
    assert a.article.title in response.content.decode()


def test_admin_api_pages_lists_only_own_site(editor_client, sites):
    a, b = sites
    response = editor_client.get("/admin/api/main/pages/", {"limit": 20})
    assert response.status_code == 200
    ids = {item["id"] for item in json.loads(response.content)["items"]}
    assert {a.home.pk, a.column.pk, a.article.pk} <= ids
    assert not ids & {b.home.pk, b.column.pk, b.article.pk}
    assert editor_client.get(f"/admin/api/main/pages/{b.article.pk}/").status_code == 404


def test_admin_search_finds_only_own_pages(editor_client, sites):
    a, b = sites
    response = editor_client.get(reverse("wagtailadmin_pages:search"), {"q": "Transparency"})
    html = response.content.decode()
    assert response.status_code == 200
    assert a.article.title in html
    assert b.article.title not in html


# ---- pages: edit, preview, revisions -------------------------------------------------


@pytest.mark.parametrize(
    "view",
    [
        "edit",
        "preview",
        "view_draft",
        "history",
        "revision_view",
        "revisions_compare",
        "revert",
        "add_subpage",
        "delete",
        "copy",
    ],
)
def test_other_site_page_views_denied(editor_client, sites, view):
    _, b = sites
    response = editor_client.get(page_urls(b)[view])
    assert_denied(response)


@pytest.mark.parametrize("view", ["edit", "history", "revisions_compare", "revert", "add_subpage"])
def test_own_site_page_views_allowed(editor_client, sites, view):
    a, _ = sites
    response = editor_client.get(page_urls(a)[view])
    if view == "add_subpage":  # a news column with items offers 信息 alone: its form directly
        assert response.status_code == 302 and "/articlepage/" in response["Location"]
        response = editor_client.get(response["Location"])
    assert response.status_code == 200


def test_preview_own_page_allowed_other_denied(editor_client, sites):
    a, b = sites
    # The preview posts the edit form first (answered with JSON), then renders it on GET;
    # the rendering itself belongs to the page templates' tests.
    own = page_urls(a)["preview"]
    form = nested_form_data(
        {
            "title": "预览中的标题",
            "slug": a.article.slug,
            "body": streamfield([]),
            "attachments": inline_formset([]),
        }
    )
    response = editor_client.post(own, form)
    assert response.status_code == 200
    assert json.loads(response.content)["is_valid"] is True

    other = page_urls(b)["preview"]
    assert_denied(editor_client.post(other, {**form, "slug": b.article.slug}))
    assert_denied(editor_client.get(other))


def test_denial_shows_wagtail_message_in_chinese(editor_client, sites):
    _, b = sites
    assert_denied_with_message(editor_client, page_urls(b)["edit"])


def test_posting_edit_or_restoring_revision_of_other_site_changes_nothing(editor_client, sites):
    _, b = sites
    before = (b.article.revisions.count(), b.article.latest_revision_id)
    form = {"title": "篡改的标题", "slug": b.article.slug, "action-publish": "action-publish"}
    assert_denied(editor_client.post(page_urls(b)["edit"], form))
    # Restoring a revision is a POST of the old revision's content to the revert view.
    assert_denied(editor_client.post(page_urls(b)["revert"], form))
    b.article.refresh_from_db()
    assert (b.article.revisions.count(), b.article.latest_revision_id) == before
    assert b.article.title == "资兴市人民政府召开政务公开工作会议 Transparency"


def test_restoring_own_revision_allowed(editor_client, sites):
    a, _ = sites
    response = editor_client.get(page_urls(a)["revert"])
    assert response.status_code == 200
    # The revert form shows the old revision's content, ready to be saved again.
    assert 'value="北湖区人民政府召开政务公开工作会议 Transparency"' in response.content.decode()


# ---- images and documents ------------------------------------------------------------


def test_image_listing_shows_only_own_collection(editor_client, sites):
    a, b = sites
    html = editor_client.get(reverse("wagtailimages:index")).content.decode()
    assert a.image.title in html
    assert b.image.title not in html


def test_image_edit_other_denied_own_allowed(editor_client, sites):
    a, b = sites
    assert_denied(editor_client.get(reverse("wagtailimages:edit", args=[b.image.pk])))
    assert_denied(editor_client.post(reverse("wagtailimages:edit", args=[b.image.pk]), {"title": "改"}))
    assert_denied(editor_client.get(reverse("wagtailimages:delete", args=[b.image.pk])))
    b.image.refresh_from_db()
    assert b.image.title == "资兴市人民政府会议现场图片"
    assert editor_client.get(reverse("wagtailimages:edit", args=[a.image.pk])).status_code == 200


def test_image_chooser_offers_only_own_images(editor_client, sites):
    a, b = sites
    response = editor_client.get(reverse("wagtailimages_chooser:choose"))
    assert response.status_code == 200
    html = json.loads(response.content)["html"]
    assert a.image.title in html
    assert b.image.title not in html
    assert_denied(editor_client.get(reverse("wagtailimages_chooser:chosen", args=[b.image.pk])))
    assert editor_client.get(reverse("wagtailimages_chooser:chosen", args=[a.image.pk])).status_code == 200


def test_document_listing_edit_and_chooser(editor_client, sites):
    a, b = sites
    html = editor_client.get(reverse("wagtaildocs:index")).content.decode()
    assert a.document.title in html
    assert b.document.title not in html
    assert_denied(editor_client.get(reverse("wagtaildocs:edit", args=[b.document.pk])))
    assert editor_client.get(reverse("wagtaildocs:edit", args=[a.document.pk])).status_code == 200
    chooser = json.loads(editor_client.get(reverse("wagtaildocs_chooser:choose")).content)["html"]
    assert a.document.title in chooser
    assert b.document.title not in chooser


@pytest.mark.parametrize("endpoint", ["images", "documents"])
def test_admin_api_lists_only_own_collection(editor_client, sites, endpoint):
    a, b = sites
    own, other = (a.image, b.image) if endpoint == "images" else (a.document, b.document)
    response = editor_client.get(f"/admin/api/main/{endpoint}/")
    assert response.status_code == 200
    ids = {item["id"] for item in json.loads(response.content)["items"]}
    assert own.pk in ids
    assert other.pk not in ids
    assert editor_client.get(f"/admin/api/main/{endpoint}/{other.pk}/").status_code == 404


def test_page_chooser_offers_other_sites_published_pages_only(editor_client, sites):
    """Choosing another site's column (syndication) or linking to it stays possible; that
    site's drafts do not show, nor a published page renamed by a pending draft (the chooser
    names pages by their latest draft's title). More in tests/sites/test_admin_scoping.py."""
    a, b = sites
    # A Latin word in the titles for the admin search, which does not segment Chinese.
    b_draft = make_article(b.column, title="资兴市未发布的草稿 Draft", publish=False, live=False)
    a_draft = make_article(a.column, title="北湖区未发布的草稿 Draft", publish=False, live=False)
    b_published = make_article(b.column, title="资兴市已发布的文章 Published")

    def chooser_html(parent):
        response = editor_client.get(reverse("wagtailadmin_choose_page_child", args=[parent.pk]))
        assert response.status_code == 200
        return json.loads(response.content)["html"]

    other = chooser_html(b.column)
    assert b_published.title in other
    assert b.article.title not in other  # the pending revision's title
    assert b_draft.title not in other
    assert a_draft.title in chooser_html(a.column)

    # The search answers with the results fragment (HTML), not JSON.
    search = editor_client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Draft"})
    assert search.status_code == 200
    html = search.content.decode()
    assert a_draft.title in html
    assert b_draft.title not in html
