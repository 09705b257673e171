"""微信预览: the item as the WeChat article it will become, before it is submitted: the
page's latest revision (the draft being edited) read by its WeChat source and converted
as publish.py converts it (sources.py, html.WeChatHTML), shown in a 390 px phone frame,
with the limits WeChat would refuse (rules.wechat_limits, the publishing rule itself).

Nothing is uploaded: images are shown from the site's own renditions. Reached from the
page editor's header ("微信预览", channels/wagtail_hooks.py) and the page's 发布渠道 view;
only for users who may see the page in the admin (their own site's pages, or a page
waiting in a review step they act on); anyone else gets a 403.

On the demo, the WeChat stand-in (demo/wechat_standin.py) lists the articles it received
at its own address; `standin_url()` gives that page when WECHAT_API_BASE_URL points at
this machine.
"""

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from wagtail.models import Page

from cms.items import is_item
from sites.admin_scope import may_see_page

from .html import TITLE_MAX, WeChatHTML
from .publish import CONTENT_IMAGE_SPEC
from .rules import goes_to_wechat, wechat_limits
from .sources import source_for

FORBIDDEN = "您没有查看该页面的权限。"
NOT_AN_ARTICLE = "该页面不是发布到微信公众号的信息（栏目、专题只在网站和手机版显示），无法预览微信图文。"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def standin_url():
    """The WeChat stand-in's page of received articles, when the demo's stand-in is the
    configured WeChat API (an address on this machine); None otherwise."""
    base = settings.WECHAT_API_BASE_URL
    if urlsplit(base).hostname not in LOCAL_HOSTS:
        return None
    return urljoin(base, "received")


def _local_image_url(image):
    # What publish.py would upload, from the site itself: the same rendition.
    return image.get_rendition(CONTENT_IMAGE_SPEC).url


def article_preview(page):
    """The article of `page` (a revision's object) as WeChat would get it: a dict of
    title, author, digest, cover (a Wagtail image or None), content (HTML)."""
    source = source_for(page)
    site = page.get_site()
    html = WeChatHTML(base_url=site.root_url if site else "", upload_image=_local_image_url)
    cover = source.cover()
    return {
        "title": source.title(),
        "author": source.author(),
        "digest": source.digest(),
        # A generated cover (bytes: a disclosure's, an interview's) is drawn at delivery.
        "cover": cover if hasattr(cover, "get_rendition") else None,
        "generated_cover": isinstance(cover, bytes),
        "content": source.body(html),
    }


def wechat_preview(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not may_see_page(request.user, page):
        return HttpResponseForbidden(FORBIDDEN)
    draft = page.get_latest_revision_as_object()
    if not is_item(draft, delivered=True):
        return HttpResponseBadRequest(NOT_AN_ARTICLE)
    article = article_preview(draft)
    document = render_to_string("channels/wechat/preview_frame.html", {"article": article})
    return TemplateResponse(
        request,
        "channels/wechat/preview.html",
        {
            "page": page,
            "article": article,
            "document": document,
            "problems": [message for _field, message in wechat_limits(draft)],
            "goes_to_wechat": goes_to_wechat(draft),
            "title_max": TITLE_MAX,
            "standin_url": standin_url(),
        },
    )


def standin_panel(request, page):
    """The WeChat section of a page's 发布渠道 view: the preview, and the demo stand-in;
    nothing for a page that does not go to WeChat."""
    if not goes_to_wechat(page):
        return ""
    return render_to_string(
        "channels/wechat/_preview_links.html", {"page": page, "standin_url": standin_url()}, request=request
    )
