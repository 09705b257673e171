"""Views of the WAP site: the pages of the request's own site at `/wap/<page path>`, and
the site search at `/wap/search/?q=`.

A page is found the way Wagtail's own serving finds it (Page.route from the site's root
page by slug), so only live pages of the request's site are reachable: a draft, an
unpublished page or a page of another site is a 404. It is then rendered by the WAP view
its type declares (`wap_view`, a dotted path: cms.items): the home page, columns,
articles and topics here; the types of other apps (the budget column and its disclosures,
online interviews) in their own app, with the helpers below (Wap, paginate, parts,
page_status), so this module names no content app. A type that declares none is a 404."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext
from django.views.decorators.http import require_GET
from wagtail.models import Page

from cms.home_blocks import home_blocks
from cms.items import channel_code
from cms.listing import child_lists
from cms.pages import ColumnPage, TopicPage
from cms.paging import page_of
from cms.templatetags.portal_tags import china_time, column_feed, site_menu
from search import service
from search.views import labels as search_labels
from search.views import page_context, read_request
from sites.language import profile_language
from sites.portal import get_portal

from . import body
from .links import wap_url

# A page of a WAP list: short enough for a small screen and a few KB of HTML.
PAGE_SIZE = 15
HOME_LATEST = 10
HOME_FEED_ITEMS = 5
HOME_TOPICS = 8
SEARCH_PAGE_SIZE = 10


def labels():
    """The WAP site's labels in the active language (the site's: sites.middleware)."""
    return {
        "wap": gettext("Mobile"),
        "home": gettext("Home"),
        "columns": gettext("Sections"),
        "latest": gettext("Latest updates"),
        "topics": gettext("Special topics"),
        "subcolumns": gettext("Sub-sections"),
        "more": gettext("More"),
        "empty": gettext("No items yet."),
        "back": gettext("Back to"),
        "full": gettext("Full version"),
        "search": pgettext("search button", "Search"),
        "keywords": gettext("Keywords"),
        "prev": gettext("Previous"),
        "next": gettext("Next"),
        "published": gettext("Published"),
        "source": gettext("Source"),
        "author": gettext("Author"),
        "index_number": gettext("Index No."),
        "organisation": gettext("Issuing organisation"),
        "doc_number": gettext("Document No."),
        "written_at": gettext("Date written"),
        "validity": gettext("Validity"),
        "attachments": gettext("Attachments"),
        "sponsor": gettext("Sponsor"),
        "site_code": gettext("Website ID code"),
        "icp": gettext("ICP filing No."),
        "police": gettext("Public security filing No."),
        "tel": pgettext("contact telephone", "Tel"),
        "conac": gettext("Party and government website mark"),
        "error_report": gettext("Report an error on this government website"),
        "sep": pgettext("label separator", ": "),
        "not_found": gettext("Page not found"),
        "not_found_text": gettext("The page you asked for does not exist or has been moved."),
    }


class Wap:
    """What every WAP template needs: the site, its labels and links in the WAP site."""

    def __init__(self, request):
        self.request = request
        self.portal = get_portal(request)
        self.site_id = self.portal.site.pk if self.portal.site else None
        self.language = profile_language(self.portal.profile)  # a Django language code
        with translation.override(self.language):
            self.labels = labels()

    def url(self, page):
        return wap_url(page, self.request, self.site_id)

    def rows(self, articles):
        """(title, WAP url, date) of listed items; a syndicated item links to the WAP
        version on its owning site."""
        rows = []
        for item in articles:
            url = self.url(item)
            if url:
                rows.append((item.title, url, body_date(item.display_time)))
        return rows

    def feed(self, column, count):
        return self.rows(column_feed(column, count))

    def context(self, page=None, **extra):
        menu = site_menu({"portal": self.portal}, page) if self.portal.root else []
        context = {
            "portal": self.portal,
            "page": page,
            "labels": self.labels,
            "menu": [(item.title, self.url(item)) for item in menu],
            "home_url": self.url(self.portal.root) if self.portal.root else None,
        }
        if page is not None:
            context["full_url"] = page.get_url(self.request)
            context["canonical"] = page.get_full_url(self.request)
            parent = page.get_parent() if page.depth > self.portal.root.depth else None
            if parent is not None:
                context["back"] = (
                    parent.title if parent.depth > self.portal.root.depth else self.labels["home"],
                    self.url(parent),
                )
        context.update(extra)
        return context


def body_date(value):
    return china_time(value, "%Y-%m-%d")


def _not_found(request, wap):
    return render(request, "wap/404.html", wap.context(), status=404)


@require_GET
def page_view(request, path=""):
    wap = Wap(request)
    if wap.portal.root is None:
        raise Http404
    if path and not path.endswith("/"):
        return HttpResponseRedirect(request.path + "/")
    components = [c for c in path.split("/") if c]
    try:
        page = wap.portal.root.specific.route(request, components).page
    except Http404:
        return _not_found(request, wap)
    page = page.specific
    if page.get_view_restrictions().exists():
        # The full version asks for the password or login; the WAP site has no forms for it.
        return HttpResponseRedirect(page.get_url(request))
    view = wap_view_of(page)
    if view is None:
        return _not_found(request, wap)
    return view(request, wap, page)


def wap_view_of(page):
    """The WAP view function `(request, wap, page)` a page's type declares (its `wap_view`,
    cms.items; a type of its own kind, like the budget column, declares its own), or None."""
    return channel_code(type(page), "wap_view")


def home_view(request, wap, page):
    """The full site's home blocks (cms.home_blocks) as plain lists."""
    blocks = home_blocks(page)
    latest = ([blocks.lead] if blocks.lead else []) + blocks.latest + blocks.pictures
    feeds = [
        (
            block.column.title,
            wap.url(block.column),
            wap.rows(block.items[:HOME_FEED_ITEMS]),
            [(link.title, wap.url(link)) for link in block.links],
        )
        for block in blocks.feeds
    ]
    return render(
        request,
        "wap/home.html",
        wap.context(
            page,
            latest=wap.rows(latest[:HOME_LATEST]),
            feeds=feeds,
            topics=[(topic.title, wap.url(topic)) for topic in blocks.topics[:HOME_TOPICS]],
            is_home=True,
        ),
    )


def paginate(items, request, size, param="page"):
    """The page of `items` that ?<param>= asks for, as on the full site (cms.paging)."""
    return page_of(items, request.GET.get(param, 1), size)


def column_view(request, wap, page):
    page_obj = paginate(page.articles(), request, PAGE_SIZE)
    subcolumns = page.child_sections(ColumnPage, TopicPage)  # the budget column too
    # Pages of other apps' types among the children (cms.listing.ChildList: the interviews
    # of an 在线访谈 column beside the articles about them), each list paged on its own
    # (?<key>_page=, e.g. ?interviews_page=), as on the full site.
    lists = []
    for child_list in child_lists(page):
        ids = child_list.child_ids(page)
        if not ids:
            continue
        list_page = paginate(ids, request, PAGE_SIZE, param=child_list.page_param)
        lists.append(
            {
                "heading": child_list.heading,
                "rows": [(row, wap.url(row.page)) for row in child_list.rows(list_page.object_list)],
                "page_obj": list_page,
                "page_status": page_status(wap, list_page),
                "param": child_list.page_param,
            }
        )
    return render(
        request,
        "wap/column.html",
        wap.context(
            page,
            rows=wap.rows(page_obj.object_list),
            page_obj=page_obj,
            page_status=page_status(wap, page_obj),
            subcolumns=[(c.title, wap.url(c)) for c in subcolumns],
            child_lists=lists,
        ),
    )


def page_status(wap, page_obj):
    """The "page n of m" line, in the site's language."""
    with translation.override(wap.language):
        return gettext("Page %(number)s of %(total)s") % {
            "number": page_obj.number,
            "total": page_obj.paginator.num_pages,
        }


def parts(request, chunks):
    """The server-side page (?page=) of a long body's chunks: (page_obj, its chunks)."""
    page_obj = paginate(body.group_parts(chunks), request, 1)
    return page_obj, page_obj.object_list[0]


def article_view(request, wap, page):
    page_obj, part = parts(request, body.article_chunks(page.body, request.get_host()))
    attachments = []
    if not page_obj.has_next():  # the list of attachments closes the article
        attachments = [
            (a.label, a.href, a.document.file_extension.upper() if a.document else "")
            for a in page.attachments.select_related("document")
        ]
    return render(
        request,
        "wap/article.html",
        wap.context(
            page,
            part=part,
            page_obj=page_obj,
            page_status=page_status(wap, page_obj),
            attachments=attachments,
            published=body_date(page.display_time),
            cover=body.image_html(page.cover_image) if page.cover_image_id and page_obj.number == 1 else "",
        ),
    )


def topic_view(request, wap, page):
    chunks = body.topic_chunks(page.sections, wap.url, wap.feed, request.get_host())
    page_obj, part = parts(request, chunks)
    return render(
        request,
        "wap/topic.html",
        wap.context(page, part=part, page_obj=page_obj, page_status=page_status(wap, page_obj)),
    )


@require_GET
def search_view(request):
    """The site's own pages through the shared search service, in the WAP layout."""
    wap = Wap(request)
    site = wap.portal.site
    if site is None:
        raise Http404
    params, filters = read_request(request, site)
    params.site_id = site.pk
    params.page_size = SEARCH_PAGE_SIZE
    answer = service.search(params) if params.q.strip() else None
    results = []
    if answer:
        found = Page.objects.in_bulk([r["id"] for r in answer["results"]])
        for result in answer["results"]:
            page = found.get(result["id"])
            url = (page and wap.url(page)) or result["url"]
            results.append({**result, "wap_url": url})
    return render(
        request,
        "wap/search.html",
        wap.context(
            query=params.q,
            answer=answer,
            results=results,
            page=None,
            first_number=(params.page - 1) * SEARCH_PAGE_SIZE + 1,
            # The advanced search, notes and links that keep every filter (search/views.py).
            search=page_context(request, params, filters, answer),
            search_labels=search_labels(
                params.language,
                answer["count"] if answer else None,
                estimated=bool(answer and answer.get("count_estimated")),
            ),
            full_url=reverse("search") + (f"?{request.GET.urlencode()}" if request.GET else ""),
        ),
    )
