"""Publish-time content checks (A05, A06; issue 6): what an editor wrote is checked before
it goes live. Errors block publishing, each naming the block that fails in Chinese;
warnings are shown and publishing goes on.

Errors: an image without alt text that is not marked decorative; headings that skip a
level (the page title is the h1); a table without header cells; a link whose text is
empty or says nothing (点击这里, 更多, click here); a colour chosen in the content whose
contrast with its background is below 4.5:1.
Warnings: a long paragraph without a break; alt text that is a file name or very long; a
link whose text is a bare address.

The checks read any page type's StreamFields block by block, so page types added later
are covered without a change here. Each finding also names its StreamField and top-level
block (`field`, `block`), where the page editor shows it (cms.rule_messages). The same rules configure Wagtail's checker in the
userbar (accessibility/wagtail_hooks.py)."""

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamValue
from wagtail.blocks.struct_block import StructValue
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage
from wagtail.rich_text import RichText

from sites.portal import WHITE, contrast_ratio

ERROR = "error"
WARNING = "warning"
MIN_CONTRAST = 4.5
LONG_PARAGRAPH = 400  # characters of one paragraph with no line break
LONG_ALT = 150
# Link texts that say nothing about where the link goes.
MEANINGLESS_LINK_TEXT = {
    "点击这里",
    "点击此处",
    "点此",
    "这里",
    "此处",
    "更多",
    "更多>>",
    "更多>",
    "详情",
    "详细",
    "查看",
    "链接",
    "click here",
    "here",
    "more",
    "read more",
    "link",
    "this",
}
FILE_NAME = re.compile(r"\.(avif|bmp|gif|jpe?g|png|svg|tiff?|webp)$|^(img|image|dsc|photo)[-_]?\d+", re.I)
COLOUR = re.compile(
    r"(?<![-\w])(background-color|background|color)\s*:\s*(#[0-9a-f]{3}(?:[0-9a-f]{3})?)\b", re.I
)


@dataclass(frozen=True)
class Finding:
    level: str
    where: str
    message: str
    #: the StreamField (model field name) and the index of its top-level block that fails,
    #: so the page editor can show the message at that block (cms.publish_checks)
    field: str = ""
    block: int | None = None

    def __str__(self):
        return f"{self.where}：{self.message}"


def _hex6(colour):
    colour = colour.lower()
    if len(colour) == 4:
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour


def _link_text_problem(text):
    text = re.sub(r"\s+", " ", text or "").strip()
    if not text:
        return ERROR, "链接文字为空，读屏软件无法说明链接去向，请填写描述目标的文字"
    bare = text.strip("。.!！>»›… ").lower()
    if bare in MEANINGLESS_LINK_TEXT or text.lower() in MEANINGLESS_LINK_TEXT:
        return (
            ERROR,
            f"链接文字“{text}”没有说明链接去向，请改为描述目标的文字（如“2014年政府工作报告全文”）",
        )
    if re.fullmatch(r"(https?://|www\.)\S+", text):
        return WARNING, f"链接文字是网址“{text}”，建议改为说明链接内容的文字"
    return None


class _Walker:
    """Walks a page's blocks in reading order, tracking the heading level."""

    def __init__(self):
        self.findings = []
        self.level = 1  # the page title is the h1
        self.field = ""  # the StreamField being walked
        self.block = None  # index of its top-level block being walked
        self.depth = 0  # streams inside streams: only the outermost sets `block`

    def add(self, level, where, message):
        self.findings.append(Finding(level, where, message, self.field, self.block))

    # Headings, links, images, tables and colours inside rich text.
    def rich_text(self, html, where):
        soup = BeautifulSoup(html, "html.parser")
        for node in soup.find_all(True):
            name = node.name
            if re.fullmatch(r"h[1-6]", name):
                self.heading(int(name[1]), node.get_text(" ", strip=True), where)
            elif name == "a":
                problem = _link_text_problem(node.get_text(" ") or node.get("aria-label", ""))
                if problem:
                    self.add(problem[0], where, problem[1])
            elif name in ("img", "embed") and (name == "img" or node.get("embedtype") == "image"):
                alt = node.get("alt")
                if alt is None or (not alt.strip() and node.get("role") != "presentation"):
                    self.add(ERROR, where, "正文中的图片没有替代文字（alt），请填写图片内容说明")
            elif name == "table":
                self.table_html(node, where)
            elif name == "p":
                self.paragraph(node.get_text(), where)
            if node.get("style"):
                self.colours(node["style"], where)

    def heading(self, level, text, where):
        if level == 1:
            self.add(ERROR, where, "正文不能再使用一级标题（页面标题已是一级标题），请改用二级标题")
        elif level > self.level + 1:
            self.add(
                ERROR,
                where,
                f"标题层级跳跃：标题“{text}”是{_cn(level)}级标题，但前面只有{_cn(self.level)}级标题，请不要跳级",
            )
        if not text:
            self.add(ERROR, where, "标题内容为空，请删除或填写标题文字")
        self.level = level

    def paragraph(self, text, where):
        if len(text.strip()) > LONG_PARAGRAPH:
            self.add(
                WARNING,
                where,
                f"段落过长（{len(text.strip())} 字没有分段），建议拆分为几个较短的段落，方便阅读和朗读",
            )

    def table_html(self, table, where):
        if table.find("th") is None:
            self.add(ERROR, where, "表格没有表头单元格，请把第一行或第一列设为表头")

    def colours(self, style, where):
        found = {prop.lower(): _hex6(value) for prop, value in COLOUR.findall(style)}
        fg = found.get("color")
        bg = found.get("background-color") or found.get("background") or WHITE
        if fg and contrast_ratio(fg, bg) < MIN_CONTRAST:
            self.add(
                ERROR,
                where,
                f"文字颜色 {fg} 与背景 {bg} 的对比度只有 {contrast_ratio(fg, bg):.1f}:1，低于 4.5:1，请选择更深（或更浅）的颜色",
            )

    def image(self, image, where):
        if getattr(image, "decorative", False):
            return
        alt = (getattr(image, "contextual_alt_text", None) or "").strip()
        if not alt:
            self.add(ERROR, where, "图片没有替代文字（alt），请填写图片内容说明，或勾选“装饰性图片”")
        elif FILE_NAME.search(alt):
            self.add(WARNING, where, f"图片替代文字“{alt}”像是文件名，请改为描述图片内容的文字")
        elif len(alt) > LONG_ALT:
            self.add(WARNING, where, f"图片替代文字过长（{len(alt)} 字），长说明请放在正文中")

    def table_value(self, value, where):
        if not isinstance(value, dict):
            return
        if not (value.get("first_row_is_table_header") or value.get("first_col_is_header")):
            self.add(ERROR, where, "表格没有表头单元格，请勾选“第一行为表头”或“第一列为表头”")
        for row in value.get("data") or []:
            for cell in row or []:
                if isinstance(cell, str) and len(cell) > LONG_PARAGRAPH:
                    self.paragraph(cell, where)

    def value(self, block, value, where):
        """Dispatch one block's value by what it holds."""
        from wagtail.contrib.table_block.blocks import TableBlock

        if isinstance(block, TableBlock):
            self.table_value(value, where)
        elif isinstance(value, AbstractImage):
            self.image(value, where)
        elif isinstance(value, RichText):
            self.rich_text(value.source, where)
        elif isinstance(value, StreamValue):
            self.stream(value, where + "中")
        elif isinstance(value, StructValue):
            self.struct(block, value, where)
        elif isinstance(value, ListValue):
            for n, item in enumerate(value, start=1):
                self.value(block.child_block, item, f"{where}第{n}项")

    def struct(self, block, value, where):
        # A link-like struct: a title with a page or address.
        if (
            "title" in value
            and ("url" in value or "page" in value)
            and (value.get("url") or value.get("page"))
        ):
            problem = _link_text_problem(value.get("title"))
            if problem:
                self.add(problem[0], where, problem[1])
        for name, child in value.items():
            child_block = block.child_blocks[name]
            self.value(child_block, child, f"{where}的“{child_block.label}”")

    def stream(self, stream, prefix):
        self.depth += 1
        try:
            for n, child in enumerate(stream, start=1):
                if self.depth == 1:
                    self.block = n - 1
                label = child.block.label or child.block_type
                where = f"{prefix}第{n}个内容块（{label}）"
                self.value(child.block, child.value, where)
        finally:
            self.depth -= 1


_NUMERALS = "零一二三四五六"


def _cn(level):
    return _NUMERALS[level] if 0 <= level < len(_NUMERALS) else str(level)


def check_page(page):
    """Every finding on a page's StreamFields (the specific page), in reading order."""
    page = page.specific
    walker = _Walker()
    for field in page._meta.get_fields():
        if isinstance(field, StreamField):
            walker.level = 1
            walker.field, walker.block = field.name, None
            label = str(field.verbose_name or field.name)
            walker.stream(getattr(page, field.name), f"“{label}”")
    return walker.findings


def errors(findings):
    return [f for f in findings if f.level == ERROR]


def warnings(findings):
    return [f for f in findings if f.level == WARNING]
