"""Views of the WAP site: the home page, columns, articles and topics of the request's own
site at `/wap/<page path>`, the budget column and its disclosures (预决算公开), online
interviews (在线访谈), and the site search at `/wap/search/?q=`.

A page is found the way Wagtail's own serving finds it (Page.route from the site's root
page by slug), so only live pages of the request's site are reachable: a draft, an
unpublished page or a page of another site is a 404."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET
from wagtail.models import Page

from budgets.pages import BudgetColumnPage, DisclosurePage
from cms.pages import ArticlePage, ColumnPage, HomePage, TopicPage
from cms.templatetags.portal_tags import china_time, column_feed, site_menu
from interaction.interviews import Interview
from search import service
from search.analysis import EN, ZH
from search.views import LABELS as SEARCH_LABELS
from search.views import params_from
from sites.portal import get_portal

from . import body
from .links import wap_url

# A page of a WAP list: short enough for a small screen and a few KB of HTML.
PAGE_SIZE = 15
# The page parameter of a column's interview list (the full site's name for it, too).
INTERVIEWS_PAGE = "interviews_page"
HOME_LATEST = 10
HOME_FEED_COLUMNS = 6
HOME_FEED_ITEMS = 5
HOME_TOPICS = 8
SEARCH_PAGE_SIZE = 10

LABELS = {
    ZH: {
        "wap": "手机版",
        "home": "首页",
        "columns": "栏目导航",
        "latest": "最新信息",
        "topics": "专题专栏",
        "subcolumns": "子栏目",
        "more": "更多",
        "empty": "暂无信息。",
        "back": "返回",
        "full": "电脑版",
        "search": "搜索",
        "keywords": "搜索关键词",
        "prev": "上一页",
        "next": "下一页",
        "page_of": "第{number}页，共{total}页",
        "published": "发布时间",
        "source": "来源",
        "author": "作者",
        "index_number": "索引号",
        "organisation": "发布机构",
        "doc_number": "文号",
        "written_at": "成文日期",
        "validity": "有效性",
        "attachments": "附件",
        "sponsor": "主办单位",
        "site_code": "网站标识码",
        "icp": "ICP备案号",
        "police": "公安机关备案号",
        "tel": "联系电话",
        "conac": "党政机关网站标识",
        "error_report": "我为政府网站找错",
        "sep": "：",
        "not_found": "页面不存在",
        "not_found_text": "您访问的页面不存在或已被移除。",
    },
    EN: {
        "wap": "Mobile",
        "home": "Home",
        "columns": "Sections",
        "latest": "Latest updates",
        "topics": "Special topics",
        "subcolumns": "Sub-sections",
        "more": "More",
        "empty": "No items yet.",
        "back": "Back to",
        "full": "Full version",
        "search": "Search",
        "keywords": "Keywords",
        "prev": "Previous",
        "next": "Next",
        "page_of": "Page {number} of {total}",
        "published": "Published",
        "source": "Source",
        "author": "Author",
        "index_number": "Index No.",
        "organisation": "Issuing organisation",
        "doc_number": "Document No.",
        "written_at": "Date written",
        "validity": "Validity",
        "attachments": "Attachments",
        "sponsor": "Sponsor",
        "site_code": "Website ID code",
        "icp": "ICP filing No.",
        "police": "Public security filing No.",
        "tel": "Tel",
        "conac": "Party and government website mark",
        "error_report": "Report an error on this government website",
        "sep": ": ",
        "not_found": "Page not found",
        "not_found_text": "The page you asked for does not exist or has been moved.",
    },
}


def _language(portal):
    return EN if portal.profile is not None and portal.profile.locale == "en" else ZH


def _page_number(request, param="page"):
    try:
        return max(1, int(request.GET.get(param, 1)))
    except (TypeError, ValueError):
        return 1


class Wap:
    """What every WAP template needs: the site, its labels and links in the WAP site."""

    def __init__(self, request):
        self.request = request
        self.portal = get_portal(request)
        self.site_id = self.portal.site.pk if self.portal.site else None
        self.language = _language(self.portal)
        self.labels = LABELS[self.language]

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
    if isinstance(page, HomePage):
        return _home(request, wap, page)
    if isinstance(page, BudgetColumnPage):  # before ColumnPage: it is one
        return _budget_column(request, wap, page)
    if isinstance(page, DisclosurePage):
        return _disclosure(request, wap, page)
    if isinstance(page, Interview):
        return _interview(request, wap, page)
    if isinstance(page, ColumnPage):
        return _column(request, wap, page)
    if isinstance(page, ArticlePage):
        return _article(request, wap, page)
    if isinstance(page, TopicPage):
        return _topic(request, wap, page)
    return _not_found(request, wap)


def _home(request, wap, page):
    columns = ColumnPage.objects.live().child_of(page).filter(show_in_menus=True)[:HOME_FEED_COLUMNS]
    feeds = [(column.title, wap.url(column), wap.feed(column, HOME_FEED_ITEMS)) for column in columns]
    topics = TopicPage.objects.live().descendant_of(page)[:HOME_TOPICS]
    latest = (
        ArticlePage.objects.live()
        .descendant_of(page)
        .defer_streamfields()
        .order_by("-published_at", "-pk")[:HOME_LATEST]
    )
    return render(
        request,
        "wap/home.html",
        wap.context(
            page,
            latest=wap.rows(latest),
            feeds=feeds,
            topics=[(topic.title, wap.url(topic)) for topic in topics],
            is_home=True,
        ),
    )


def _paginate(items, request, size, param="page"):
    paginator = Paginator(items, size)
    try:
        return paginator.page(_page_number(request, param))
    except (EmptyPage, PageNotAnInteger):
        return paginator.page(paginator.num_pages)


def _column(request, wap, page):
    page_obj = _paginate(page.articles(), request, PAGE_SIZE)
    subcolumns = page.child_sections(ColumnPage, TopicPage)
    # An interview column (在线访谈) holds interviews as well as articles about them; they
    # page on their own (?interviews_page=), as on the full site.
    interviews = _paginate(
        Interview.objects.live().child_of(page).order_by("-starts_at", "-pk"),
        request,
        PAGE_SIZE,
        param=INTERVIEWS_PAGE,
    )
    return render(
        request,
        "wap/column.html",
        wap.context(
            page,
            rows=wap.rows(page_obj.object_list),
            page_obj=page_obj,
            page_status=_page_status(wap, page_obj),
            subcolumns=[(c.title, wap.url(c)) for c in subcolumns],
            interviews=[(i, wap.url(i)) for i in interviews.object_list],
            interviews_page=interviews,
            interviews_status=_page_status(wap, interviews),
            interviews_param=INTERVIEWS_PAGE,
        ),
    )


def _budget_column(request, wap, page):
    """The 预决算公开 column: its live disclosures (BudgetColumnPage.disclosures(), newest
    year first), `?year=` as on the full version, WAP-sized pages."""
    years = page.years()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and int(year) in years else None
    items = page.disclosures().defer("tables")
    if year is not None:
        items = items.filter(year=year)
    page_obj = _paginate(items, request, PAGE_SIZE)
    return render(
        request,
        "wap/budget_column.html",
        wap.context(
            page,
            rows=[(item.title, wap.url(item), body_date(item.first_published_at)) for item in page_obj],
            page_obj=page_obj,
            page_status=_page_status(wap, page_obj),
            years=years,
            year=year,
        ),
    )


def _disclosure(request, wap, page):
    """A disclosure over server-side pages: the facts and the 三公 comparison open page 1,
    the nine tables follow (each cut between rows with its header repeated when long), the
    downloads close the last page. Figures come from the page's own methods, as on the
    full version."""
    page_obj, part = _parts(request, body.disclosure_chunks(page))
    context = {"page_obj": page_obj, "part": part, "page_status": _page_status(wap, page_obj)}
    if page_obj.number == 1:
        previous = page.previous()
        context["previous"] = previous
        context["changes"] = page.sangong_changes(previous)
    context["downloads"] = not page_obj.has_next()
    return render(request, "wap/disclosure.html", wap.context(page, **context))


def _interview(request, wap, page):
    """An interview: status, schedule, guests, video and photos open page 1; the archived
    transcript, the live text and the approved questions with their answers follow over
    server-side pages, as an article's body does (a long event's record can be far over
    the budget). The data is the full version's (Interview.get_context, which reads
    questions only through Question.objects.public()); asking is done on the full version."""
    context = page.get_context(request)
    record = render_to_string("wap/_interview_record.html", {**context, "page": page}, request=request)
    page_obj, part = _parts(request, body.rich_text_chunks(record, request.get_host()))
    return render(
        request,
        "wap/interview.html",
        wap.context(
            page,
            part=part,
            page_obj=page_obj,
            page_status=_page_status(wap, page_obj),
            guests=context["guests"],
            photos=[(body.image_html(p.image, alt=p.caption), p.caption) for p in context["photos"]],
            ask_url=page.get_url(request) + "#ask" if page.is_open_for_questions else None,
        ),
    )


def _page_status(wap, page_obj):
    return wap.labels["page_of"].format(number=page_obj.number, total=page_obj.paginator.num_pages)


def _parts(request, chunks):
    parts = body.group_parts(chunks)
    page_obj = _paginate(parts, request, 1)
    return page_obj, page_obj.object_list[0]


def _article(request, wap, page):
    page_obj, part = _parts(request, body.article_chunks(page.body, request.get_host()))
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
            page_status=_page_status(wap, page_obj),
            attachments=attachments,
            published=body_date(page.display_time),
            cover=body.image_html(page.cover_image) if page.cover_image_id and page_obj.number == 1 else "",
        ),
    )


def _topic(request, wap, page):
    chunks = body.topic_chunks(page.sections, wap.url, wap.feed, request.get_host())
    page_obj, part = _parts(request, chunks)
    return render(
        request,
        "wap/topic.html",
        wap.context(page, part=part, page_obj=page_obj, page_status=_page_status(wap, page_obj)),
    )


@require_GET
def search_view(request):
    """The site's own pages through the shared search service, in the WAP layout."""
    wap = Wap(request)
    site = wap.portal.site
    if site is None:
        raise Http404
    params = params_from(request, site)
    params.site_id = site.pk
    params.page_size = SEARCH_PAGE_SIZE
    answer = service.search(params) if params.q.strip() else None
    results = []
    pages = 0
    if answer:
        found = Page.objects.in_bulk([r["id"] for r in answer["results"]])
        for result in answer["results"]:
            page = found.get(result["id"])
            url = (page and wap.url(page)) or result["url"]
            results.append({**result, "wap_url": url})
        pages = (answer["count"] + SEARCH_PAGE_SIZE - 1) // SEARCH_PAGE_SIZE
    return render(
        request,
        "wap/search.html",
        wap.context(
            query=params.q,
            answer=answer,
            results=results,
            page=None,
            first_number=(params.page - 1) * SEARCH_PAGE_SIZE + 1,
            prev_page=params.page - 1 if params.page > 1 else None,
            next_page=params.page + 1 if params.page < pages else None,
            search_labels=SEARCH_LABELS[params.language],
            full_url=reverse("search") + (f"?{request.GET.urlencode()}" if request.GET else ""),
        ),
    )
