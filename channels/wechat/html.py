"""Rich text → WeChat article HTML, and the article limits checked before anything is sent.

WeChat drops <style>, class and id, rejects most tags and keeps only links to
mp.weixin.qq.com, so (docs/wechat.md): references are resolved to absolute URLs, every
style is inlined in px, tags and CSS properties pass an allow-list, other links become text
with numbered notes at the end, and every image is re-hosted through the `upload_image`
callback (which returns a WeChat image URL).
"""

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Comment
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html

from cms import sanitize

TITLE_MAX = 32
AUTHOR_MAX = 16
DIGEST_MAX = 128
CONTENT_MAX_CHARS = 20_000
CONTENT_MAX_BYTES = 1024 * 1024

# The portal's own allow-list (cms.sanitize), as WeChat's editor takes it: it has <section>
# and <h1> but turns b/i/u and <div> into something else, so those are unwrapped here.
ALLOWED_TAGS = (sanitize.ALLOWED_TAGS - {"b", "i", "u", "div"}) | {"section", "h1"}
#: removed with their content (the rest are unwrapped: their text stays); WeChat also
#: plays no media and takes no forms.
DROP_WITH_CONTENT = sanitize.CLEAN_CONTENT_TAGS | {"video", "audio", "form"}
ALLOWED_CSS = {
    "color", "background-color", "font-size", "font-weight", "font-style", "line-height",
    "text-align", "text-indent", "text-decoration", "margin", "margin-top", "margin-bottom",
    "padding", "border", "border-collapse", "border-left", "width", "max-width", "height",
    "vertical-align", "letter-spacing", "display",
}  # fmt: skip
ALLOWED_ATTRS = sanitize.ALLOWED_ATTRIBUTES

#: WeChat shows no stylesheet: these are the portal's article styles, inlined.
BASE_STYLES = {
    "p": "margin:0 0 16px;font-size:16px;line-height:1.75;color:#333333;text-align:justify;",
    "h2": "margin:24px 0 12px;font-size:18px;font-weight:bold;color:#b5121b;",
    "h3": "margin:20px 0 10px;font-size:17px;font-weight:bold;color:#333333;",
    "h4": "margin:16px 0 8px;font-size:16px;font-weight:bold;color:#333333;",
    "blockquote": "margin:0 0 16px;padding:8px 12px;border-left:3px solid #dddddd;color:#666666;",
    "ul": "margin:0 0 16px;padding-left:24px;",
    "ol": "margin:0 0 16px;padding-left:24px;",
    "li": "margin:0 0 4px;font-size:16px;line-height:1.75;",
    "table": "width:100%;border-collapse:collapse;margin:0 0 16px;font-size:14px;",
    "th": "border:1px solid #cccccc;padding:6px;background-color:#f5f5f5;font-weight:bold;",
    "td": "border:1px solid #cccccc;padding:6px;",
    "img": "max-width:100%;height:auto;display:block;margin:0 auto 16px;",
}
NOTES_STYLE = "margin:24px 0 0;font-size:13px;line-height:1.6;color:#888888;word-break:break-all;"

IMAGE_EMBED = re.compile(r'<embed\b[^>]*\bembedtype="image"[^>]*/?>', re.IGNORECASE)
ATTR = re.compile(r'(\w+)="([^"]*)"')


def is_wechat_url(url):
    return urlsplit(url).hostname == "mp.weixin.qq.com"


def _clean_css(style):
    kept = []
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not name or name not in ALLOWED_CSS:
            continue
        if "var(" in value or "expression" in value.lower() or "url(" in value.lower():
            continue
        # WeChat renders px; rem/em depend on a root size it does not set.
        value = re.sub(r"(\d*\.?\d+)rem\b", lambda m: f"{round(float(m.group(1)) * 16)}px", value)
        kept.append(f"{name}:{value}")
    return ";".join(kept) + (";" if kept else "")


class WeChatHTML:
    """Builds one article's content. `upload_image(image)` re-hosts a Wagtail image and
    returns its WeChat URL; `base_url` makes relative links absolute."""

    def __init__(self, *, base_url, upload_image):
        self.base_url = base_url
        self.upload_image = upload_image
        self.notes = []

    def page_body(self, page):
        parts = []
        for block in page.body:
            kind = block.block_type
            if kind == "paragraph":
                parts.append(self.rich_text(block.value.source))
            elif kind == "image":
                parts.append(self._img(block.value, getattr(block.value, "contextual_alt_text", "") or ""))
            elif kind == "table":
                parts.append(self.table(block.value))
            elif kind == "attachment":
                document = block.value["document"]
                title = block.value.get("title") or document.title
                parts.append(f"<p>附件：{self.link_text(title, document.url)}</p>")
        return self.finish("".join(parts))

    def rich_text(self, db_html):
        """Rich text in Wagtail's database form → cleaned fragment (images re-hosted)."""
        Image = get_image_model()

        def image(match):
            attrs = dict(ATTR.findall(match.group(0)))
            img = Image.objects.filter(pk=attrs.get("id")).first()
            return self._img(img, attrs.get("alt", "")) if img else ""

        return expand_db_html(IMAGE_EMBED.sub(image, db_html))

    def table(self, value):
        rows = value.get("data") or []
        header = value.get("first_row_is_table_header")
        out = ["<table>"]
        for i, row in enumerate(rows):
            tag = "th" if header and i == 0 else "td"
            cells = "".join(f"<{tag}>{_escape(cell or '')}</{tag}>" for cell in row)
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
        return "".join(out)

    def _img(self, image, alt):
        if image is None:
            return ""
        return f'<img src="{_escape(self.upload_image(image))}" alt="{_escape(alt)}">'

    def link_text(self, text, url):
        url = urljoin(self.base_url, url)
        if is_wechat_url(url):
            return f'<a href="{_escape(url)}">{_escape(text)}</a>'
        self.notes.append(url)
        return f"{_escape(text)}<sup>[{len(self.notes)}]</sup>"

    def finish(self, fragment):
        """Allow-list tags, attributes and CSS; inline styles; links → notes."""
        soup = BeautifulSoup(fragment, "html.parser")
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        for tag in soup.find_all(True):
            if tag.decomposed:
                continue
            name = tag.name.lower()
            if name in DROP_WITH_CONTENT:
                tag.decompose()
                continue
            if name == "sup":  # our own note markers
                tag.name = "span"
                tag.attrs = {"style": "font-size:12px;vertical-align:super;color:#888888;"}
                continue
            if name == "a":
                href = urljoin(self.base_url, tag.get("href", ""))
                if not is_wechat_url(href):
                    self.notes.append(href)
                    marker = soup.new_tag("span", style="font-size:12px;vertical-align:super;color:#888888;")
                    marker.string = f"[{len(self.notes)}]"
                    tag.insert_after(marker)
                    tag.unwrap()
                    continue
                tag.attrs = {"href": href}
                continue
            if name in ("b", "i"):
                tag.name = name = {"b": "strong", "i": "em"}[name]
            if name in ("h5", "h6"):
                tag.name = name = "h4"
            if name == "div":
                tag.name = name = "section"
            if name not in ALLOWED_TAGS:
                tag.unwrap()
                continue
            style = _clean_css(BASE_STYLES.get(name, "") + tag.get("style", ""))
            allowed = ALLOWED_ATTRS.get(name, set())
            tag.attrs = {k: v for k, v in tag.attrs.items() if k in allowed}
            if style:
                tag["style"] = style
        html = str(soup)
        if self.notes:
            items = "".join(f"[{i}] {_escape(url)}<br>" for i, url in enumerate(self.notes, 1))
            html += f'<p style="{NOTES_STYLE}">注：{items}</p>'
        return html


def _escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def check_limits(*, title, author, digest, content, has_cover):
    """What an editor must fix before the article can go to WeChat (Chinese, one line
    each); empty when it fits."""
    problems = limit_problems(title=title, author=author, digest=digest, content=content, has_cover=has_cover)
    return [message for _part, message in problems]


def limit_problems(*, title, author, digest, content, has_cover):
    """check_limits' problems as (part, message) pairs, part one of "title", "author",
    "digest", "content", "cover": the page editor shows each at its field."""
    problems = []
    if len(title) > TITLE_MAX:
        problems.append(("title", f"标题 {len(title)} 字，微信要求不超过 {TITLE_MAX} 字，请缩短标题"))
    if len(author) > AUTHOR_MAX:
        problems.append(("author", f"作者 {len(author)} 字，微信要求不超过 {AUTHOR_MAX} 字，请缩短作者"))
    if len(digest) > DIGEST_MAX:
        problems.append(("digest", f"摘要 {len(digest)} 字，微信要求不超过 {DIGEST_MAX} 字，请缩短摘要"))
    if len(content) >= CONTENT_MAX_CHARS:
        problems.append(
            (
                "content",
                f"正文排版后 {len(content)} 字符，微信要求少于 {CONTENT_MAX_CHARS} 字符，请删减正文或拆分",
            )
        )
    elif len(content.encode()) >= CONTENT_MAX_BYTES:
        problems.append(("content", "正文超过 1 MB，请删减正文"))
    if not has_cover:
        problems.append(("cover", "微信图文必须有封面图片，请在“封面图片”中选择一张图片"))
    return problems
