"""The Official Account's custom menu, built from the site's columns and pushed with
`menu/create` through the one WeChat client (channels/wechat/client.py).

Layout (WeChat allows 1–3 top buttons, ≤ 5 sub-buttons each, names ≤ 16 bytes):
- the site's top-level in-menu columns become buttons; a column with in-menu subcolumns
  opens them (CLICK each, the fifth slot a VIEW "更多" to the column when there are more);
  a column without them is one CLICK button. CLICK keys are `column:<page id>`, answered
  by channels/wechat/inbound.py with the column's latest items;
- the last top button always leads to the site: a VIEW "访问网站" when there is room, or a
  "更多" button holding the site and search VIEW buttons and the columns that did not fit.
"""

from urllib.parse import quote

from cms.models import ColumnPage

from .client import PortalWeChatClient, WeChatAPIError
from .models import WeChatAccount

MAX_TOP = 3
MAX_SUB = 5
MAX_NAME_BYTES = 16
COLUMN_KEY = "column:"


def truncate_name(name, limit=MAX_NAME_BYTES):
    """`name` cut to at most `limit` UTF-8 bytes, at a character boundary."""
    name = " ".join((name or "").split())
    out = ""
    for char in name:
        if len((out + char).encode()) > limit:
            break
        out += char
    return out


def _menu_columns(parent):
    return list(ColumnPage.objects.live().child_of(parent).filter(show_in_menus=True).order_by("path"))


def _click(column):
    return {"type": "click", "name": truncate_name(column.title), "key": f"{COLUMN_KEY}{column.pk}"}


def _view(name, url):
    return {"type": "view", "name": truncate_name(name), "url": url}


def _column_button(column, site):
    children = _menu_columns(column)
    if not children:
        return _click(column)
    subs = [_click(child) for child in children[:MAX_SUB]]
    if len(children) > MAX_SUB:
        subs = subs[: MAX_SUB - 1] + [_view("更多", column.get_full_url())]
    return {"name": truncate_name(column.title), "sub_button": subs}


def site_links(site):
    root = site.root_url.rstrip("/")
    return _view("访问网站", root + "/"), _view("站内搜索", root + "/search/")


def build_menu(site):
    """The `menu/create` body for `site` (a wagtail Site)."""
    columns = _menu_columns(site.root_page)
    home, search = site_links(site)
    if len(columns) < MAX_TOP:
        buttons = [_column_button(c, site) for c in columns] + [home]
    else:
        buttons = [_column_button(c, site) for c in columns[: MAX_TOP - 1]]
        rest = [_click(c) for c in columns[MAX_TOP - 1 :]]
        subs = [home] + rest[: MAX_SUB - 2] + [search]
        if len(rest) > MAX_SUB - 2:
            # No room for every column: the site's own navigation has them all.
            subs = [home] + rest[: MAX_SUB - 1]
        buttons.append({"name": "更多", "sub_button": subs})
    return {"button": buttons}


def menu_titles(menu):
    """Lines describing the menu for the welcome message ("政务动态 › 通知公告")."""
    lines = []
    for button in menu["button"]:
        subs = [s["name"] for s in button.get("sub_button", [])]
        lines.append(f"{button['name']}：{'、'.join(subs)}" if subs else button["name"])
    return lines


class MenuError(Exception):
    """The menu could not be pushed; `reason` is for editors (Chinese)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def push_menu(site, *, client=None):
    """Build the site's menu and send it with `menu/create`. Returns the menu sent."""
    account = WeChatAccount.for_site(site)
    if not (account.appid and account.secret):
        raise MenuError(f"站点“{site.site_name or site.hostname}”没有配置微信公众号（AppID 和 AppSecret）。")
    menu = build_menu(site)
    client = client or PortalWeChatClient(account.appid, account.secret)
    try:
        client.post_json("menu/create", menu)
    except WeChatAPIError as exc:
        raise MenuError(f"推送公众号菜单失败：{exc.reason}") from exc
    return menu


def search_url(site, query):
    return f"{site.root_url.rstrip('/')}/search/?q={quote(query)}"
