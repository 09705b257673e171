"""Links between WAP pages: the WAP address of a page (on its own site's host), and rich
text whose links to pages of the cluster are turned into links to their WAP versions."""

from urllib.parse import unquote, urlsplit

from django.urls import Resolver404, resolve, reverse
from wagtail.models import Site


def wap_path(page_path):
    """The WAP path of a page path relative to its site root ("/news/x/" → "/wap/news/x/").
    The page path comes percent-encoded (a Chinese slug as %E9…); reverse() encodes again,
    so it is decoded first, or the link would name a slug that does not exist."""
    rest = unquote(page_path).strip("/")
    return reverse("wap:page", kwargs={"path": rest + "/"}) if rest else reverse("wap:home")


def wap_url(page, request, current_site_id=None):
    """The WAP address of `page`: relative on the request's site, absolute on another site of
    the cluster (a syndicated item lives on its owning site, P07), None when the page is not
    routable (outside every site)."""
    parts = page.get_url_parts(request)
    if parts is None or parts[2] is None:
        return None
    site_id, root_url, page_path = parts
    path = wap_path(page_path)
    if current_site_id is not None and site_id == current_site_id:
        return path
    return root_url.rstrip("/") + path


def _is_page_path(path):
    """Whether a path on a site's host is served by Wagtail's page view (not documents,
    media, search or the admin)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.url_name == "wagtail_serve"


def rewrite_href(href, host=None):
    """The WAP version of a link if it points to a page of the cluster; otherwise the link
    unchanged (documents, external sites, anchors, mail and phone links). A link to the
    request's own `host` becomes relative."""
    if not href:
        return href
    parts = urlsplit(href)
    if parts.scheme in ("", "http", "https") and not parts.netloc and href.startswith("/"):
        root_url = ""
    elif parts.scheme in ("http", "https") and parts.netloc:
        root_url = None
        for root in Site.get_site_root_paths():  # cached by Wagtail, no query per link
            if urlsplit(root.root_url).netloc == parts.netloc:
                root_url = "" if parts.netloc == host else f"{parts.scheme}://{parts.netloc}"
                break
        if root_url is None:
            return href
    else:
        return href
    path = parts.path or "/"
    if path.startswith(reverse("wap:home")) or not _is_page_path(path):
        return href
    new = root_url + wap_path(path)
    if parts.query:
        new += "?" + parts.query
    if parts.fragment:
        new += "#" + parts.fragment
    return new
