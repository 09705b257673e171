"""The admin speaks Chinese to its Chinese editors (issue 15, deliver 5).

A test client crawl of the admin pages an editor of the demo (www_editor, admin language
zh-hans) visits while writing and following an item: the dashboard, a column in the page
explorer, the page-type chooser and the add form, the editor of an article with a table and
an image (a draft, and one in review with its workflow panel), its history and workflow
history, images, documents, admin search with its filters, and the account page; and those
a reviewer sees. Their visible text (with the labels the admin's scripts render: the
sidebar's props, the StreamField block definitions, tooltips) holds none of the English UI
words below. An English-preferring editor still gets Wagtail's English, and no page asks
gravatar.com (or any outside host) for an avatar.
"""

import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.users.models import UserProfile

from cms.models import ColumnType
from sites.provisioning import ROLE_NAMES
from tests.factories import make_article, make_column, make_site, make_user

HOST = "www.zh-admin.localhost"

# English words of Wagtail's admin UI that a zh-hans editor must not meet (whole words,
# case-sensitive: "page" in a URL or an icon name is no UI text).
ENGLISH_UI_WORDS = [
    "Pages",
    "Page",
    "Search",
    "Edit",
    "Publish",
    "Table headers",
    "Table",
    "None",
    "Image",
    "Images",
    "Documents",
    "Document",
    "Dashboard",
    "Save draft",
    "Workflow",
    "Submit",
    "Approve",
    "History",
    "Status",
    "Draft",
    "Live",
    "Preview",
    "Settings",
    "Account",
    "Reports",
    "Help",
    "Add",
    "Delete",
    "Cancel",
    "Choose",
    "Filter",
    "Sort",
    "Title",
    "Updated",
    "Type",
    "Created",
    "Comments",
    "Actions",
    "Content",
    "Promote",
    "Privacy",
    "Locked",
    "Unlocked",
    "Upload",
    "Collection",
    "Yes",
    "No",
    "Any",
    "Show",
    "Hide",
    "Close",
    "Move",
    "Copy",
    "View",
    "Select",
    "Clear",
    "Apply",
    "Next",
    "Previous",
    "Back",
    "Save",
    "Insert",
    "Reading time",
    "Words",
    "Readability",
    "Blocks",
    "Shortcuts",
    "Refresh",
    "Name",
    "Email",
    "Language",
    "Password",
    "Notifications",
    "Profile",
    "Theme",
    "Log out",
    "Sign out",
    "Menu",
    "Toggle",
    "Minimap",
    "Checks",
    "Error",
    "Errors",
    "Caption",
    "Row header",
    "Column header",
    "No headers",
    "required",
    "Required",
    "Scheduling",
    "Schedule",
    "Go-live",
    "Expiry",
    # The column types' names Django derives from ColumnType's members.
    "Home",
    "Overview",
    "News",
    "Policy",
    "Guide",
    "Catalogue",
    "Annual Report",
    "Data Release",
    "Open Data",
    "Interpretation",
    "Services",
    "Survey",
    "Budget",  # not "Notice": the test settings' own item type is a "Notice page" (tests/itemtype)
]
# Bounded by anything but Latin letters, digits, "_" and "-": Chinese text around a word
# ("共 4 个None") does not hide it.
_WORDS = re.compile(
    r"(?<![A-Za-z0-9_-])("
    + "|".join(map(re.escape, sorted(set(ENGLISH_UI_WORDS), key=len, reverse=True)))
    + r")(?![A-Za-z0-9_-])"
)

# Attributes whose values are read out or shown: tooltips, screen-reader labels, hints, and
# the Stimulus values that hold text the admin's scripts show.
TEXT_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-w-tooltip-content-value"}
# Attributes and script blocks holding JSON whose strings the admin's scripts render:
# StreamField block definitions (labels, help texts, choices, the table editor's strings)
# and the sidebar's menu.
JSON_ATTRIBUTES = {"data-w-block-data-value"}
JSON_SCRIPTS = {"wagtail-sidebar-props"}


class _VisibleText(HTMLParser):
    """The text a user meets in an admin page: text nodes outside scripts and styles, the
    text attributes above, and the strings of the JSON the admin's scripts render."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._skip = 0
        self._json_script = False
        self._json_buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style") or (tag == "div" and "data-side-panel-toggle-counter" in attrs):
            # The side panel's issue counter holds "None" until the admin's script counts.
            self._skip += 1
            self._json_script = tag == "script" and attrs.get("id") in JSON_SCRIPTS
            self._json_buffer = []
        for name, value in attrs.items():
            if value is None:
                continue
            if name in TEXT_ATTRIBUTES:
                self.parts.append(value)
            elif name in JSON_ATTRIBUTES:
                self.parts.extend(_json_strings(json.loads(value)))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag in ("script", "style", "div") and self._skip:
            self._skip -= 1
            if self._json_script:
                self.parts.extend(_json_strings(json.loads("".join(self._json_buffer))))
                self._json_script = False

    def handle_data(self, data):
        if self._skip:
            if self._json_script:
                self._json_buffer.append(data)
            return
        self.parts.append(data)


def _json_strings(data):
    """The strings of a JSON value but addresses."""
    if isinstance(data, str):
        return [] if data.startswith(("/", "http")) else [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [s for v in data for s in _json_strings(v)]
    return []


def visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(part.strip() for part in parser.parts if part.strip())


def english_words(html):
    """Each English UI word of the page with the line of visible text it stands in."""
    found = {}
    for line in visible_text(html).splitlines():
        for word in _WORDS.findall(line):
            found.setdefault(word, line[:160])
    return found


# ---- fixtures ---------------------------------------------------------------------------


def _png(name):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 40), "#3366aa").save(buffer, "PNG")
    return ImageFile(buffer, name=name)


def _body(image):
    return [
        {"type": "paragraph", "value": "<p>全市政务公开工作会议召开。</p>"},
        {
            "type": "table",
            "value": {
                "data": [["项目", "完成情况"], ["政府网站集约化", "已完成"]],
                "table_header_choice": "row",
                "first_row_is_table_header": True,
                "table_caption": "建设进度",
            },
        },
        {"type": "image", "value": {"image": image.pk, "alt_text": "会议现场", "decorative": False}},
    ]


@pytest.fixture
def portal():
    """www as the demo sets it up: a reviewed news column (工作动态), an image and a
    document in the site's collection, an article in review and a draft, both with a
    table and an image; its editor, reviewer and approver prefer zh-hans."""
    site = make_site(HOST, "郴州市人民政府", slug="www")
    people = {}
    for role in ("editor", "reviewer", "approver"):
        user = make_user(f"www_{role}", site.groups[role], first_name=f"郴州市人民政府{ROLE_NAMES[role]}")
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "zh-hans"
        profile.save()
        people[role] = user
    zwdt = make_column(site.home, title="政务动态", slug="zwdt", column_type=ColumnType.NEWS)
    news = make_column(zwdt, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    image = Image.objects.create(title="会议现场", file=_png("meeting.png"), collection=site.collection)
    Document.objects.create(
        title="郴州市电子政务规划", file=ContentFile(b"%PDF-1.4", name="plan.pdf"), collection=site.collection
    )
    editor = people["editor"]
    in_review = make_article(
        news, "郴州市召开全市政务公开工作会议", publish=False, user=editor, body=_body(image)
    )
    news.get_workflow().start(in_review, editor)
    draft = make_article(news, "郴州市电子政务建设进度", publish=False, user=editor, body=_body(image))
    make_article(news, "郴州市政府网站集约化平台上线")
    return {
        "site": site,
        "people": people,
        "zwdt": zwdt,
        "news": news,
        "in_review": in_review,
        "draft": draft,
    }


def editor_pages(p):
    news, in_review, draft = p["news"], p["in_review"], p["draft"]
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[p["site"].home.pk]),
        reverse("wagtailadmin_explore", args=[p["zwdt"].pk]),
        reverse("wagtailadmin_explore", args=[news.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[news.pk]),
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", news.pk]),
        reverse("wagtailadmin_pages:edit", args=[draft.pk]),
        reverse("wagtailadmin_pages:edit", args=[in_review.pk]),
        reverse("wagtailadmin_pages:history", args=[in_review.pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[in_review.pk]),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add_multiple"),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:add_multiple"),
        reverse("wagtailadmin_pages:search") + "?q=郴州",
        reverse("wagtailadmin_pages:search") + "?q=nothing-matches-this",
        reverse("wagtailadmin_account"),
    ]


def reviewer_pages(p):
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:edit", args=[p["in_review"].pk]),
        reverse("wagtailadmin_pages:workflow_history", args=[p["in_review"].pk]),
    ]


def administrator_pages(p):
    """What the demo's admin opens to set up columns: their editor and add form (the
    column-type choices), and the home page's."""
    return [
        reverse("wagtailadmin_pages:edit", args=[p["news"].pk]),
        reverse("wagtailadmin_pages:add", args=["cms", "columnpage", p["zwdt"].pk]),
        reverse("wagtailadmin_pages:edit", args=[p["site"].home.pk]),
        reverse("wagtailadmin_explore", args=[p["site"].home.pk]),
    ]


def crawl(client, user, urls):
    client.force_login(user)
    pages = {}
    for url in urls:
        # The page-type chooser goes straight to the form where one type fits the column.
        response = client.get(url, HTTP_HOST=HOST, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        pages[url] = response.content.decode()
    return pages


def assert_chinese(pages):
    found = [(url, word, line) for url, html in pages.items() for word, line in english_words(html).items()]
    assert not found, "English in the admin:\n" + "\n".join(
        f"{url}  {word!r}  in {line!r}" for url, word, line in found
    )


# ---- the test of the extraction itself ----------------------------------------------------


def test_visible_text_reads_text_labels_and_block_definitions_not_markup():
    html = (
        '<div class="Page" data-x="Edit"><p>页面 <b>Search</b></p>'
        '<button aria-label="Publish" title="Dashboard"></button>'
        "<script>var Pages = 1;</script><style>.None{}</style>"
        '<script id="wagtail-sidebar-props" type="application/json">'
        '{"_type": "x", "label": "Images", "url": "/admin/Help/"}</script>'
        """<div data-w-block-data-value='{"_type": "wagtail.blocks.StreamBlock", "name": "table","""
        """ "strings": {"Table headers": "Table headers"}}'></div></div>"""
    )
    assert set(english_words(html)) == {"Search", "Publish", "Dashboard", "Images", "Table headers"}


# ---- the crawl ------------------------------------------------------------------------------


def test_editor_meets_no_english_in_the_admin(client, portal):
    pages = crawl(client, portal["people"]["editor"], editor_pages(portal))
    assert_chinese(pages)


def test_reviewer_meets_no_english_in_the_admin(client, portal):
    pages = crawl(client, portal["people"]["reviewer"], reviewer_pages(portal))
    assert_chinese(pages)


def test_administrator_meets_no_english_in_the_column_settings(client, portal):
    admin = make_user("admin", superuser=True)
    profile = UserProfile.get_for_user(admin)
    profile.preferred_language = "zh-hans"
    profile.save()
    assert_chinese(crawl(client, admin, administrator_pages(portal)))


def test_admin_search_and_explorer_filters_are_chinese(client, portal):
    """Admin search's count line ("1-4 of 4 None": Wagtail gives its noun as None) and
    type filters, and the explorer's filter drawer."""
    search = reverse("wagtailadmin_pages:search") + "?q=郴州"
    explorer = reverse("wagtailadmin_explore", args=[portal["news"].pk])
    pages = crawl(client, portal["people"]["editor"], [search, explorer])
    text = visible_text(pages[search])
    assert "共 4 条，第 1-4 条" in text and "页面类型" in text
    assert 'id="filters-drilldown"' in pages[explorer]
    assert_chinese(pages)


def test_an_english_editor_keeps_the_english_admin(client, portal):
    editor = portal["people"]["editor"]
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    pages = crawl(
        client,
        editor,
        [reverse("wagtailadmin_home"), reverse("wagtailadmin_pages:edit", args=[portal["draft"].pk])],
    )
    home, edit = pages.values()
    assert "Dashboard" in visible_text(home)
    assert "Table headers" in english_words(edit) and "Save draft" in visible_text(edit)


# ---- no gravatar ------------------------------------------------------------------------------


# What a browser loads by itself: images, scripts, style sheets, frames and media.
LOADED = re.compile(r'<(?:img|script|link|iframe|source|video|audio)\b[^>]*?\b(?:src|href)="([^"]*)"')
AVATARS = re.compile(r'"avatarUrl": "([^"]*)"|<img[^>]*?src="([^"]*avatar[^"]*)"')


def test_no_avatar_is_asked_of_gravatar_or_any_outside_host(client, portal):
    """WAGTAIL_GRAVATAR_PROVIDER_URL = None: editors without an uploaded avatar get
    Wagtail's default one from this server (in the page and in the sidebar's props), and
    no admin page makes the browser load anything from another host."""
    pages = crawl(client, portal["people"]["editor"], editor_pages(portal))
    pages.update(crawl(client, portal["people"]["reviewer"], reviewer_pages(portal)))
    avatars = set()
    for url, html in pages.items():
        assert "gravatar" not in html.lower(), url
        outside = [src for src in LOADED.findall(html) if re.match(r"(https?:)?//", src)]
        assert outside == [], (url, outside)
        avatars |= {a or b for a, b in AVATARS.findall(html)}
    assert avatars and all(
        a.startswith("/static/wagtailadmin/images/default-user-avatar.png") for a in avatars
    ), avatars
