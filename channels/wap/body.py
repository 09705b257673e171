"""Article bodies and topic sections as small WAP HTML.

Every block becomes one or more "chunks" of HTML, none larger than CHUNK_BYTES; the chunks
are then grouped into parts of at most PART_BYTES, so a long document is read over several
server-side pages (?page=2 …) instead of one page over the 30 KB budget. A rich-text block
is split between its top-level elements (paragraphs, headings, lists), a list between its
items, a table between its rows (the header row repeats); a single paragraph longer than a
chunk, which has no element to split at, is cut at sentence ends into plain paragraphs.
"""

import re

from bs4 import BeautifulSoup, NavigableString
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .links import rewrite_href

# Budget of a part's body; the rest of the 30 KB covers the head (P01 meta tags), the
# navigation, the article header, the attachments list and the footer.
PART_BYTES = 18 * 1024
CHUNK_BYTES = 6 * 1024
# Small renditions: at most 320 px wide, JPEG at a modest quality, so a page of a long
# article stays cheap on a slow mobile connection too.
IMAGE_SPEC = "max-320x320|format-jpeg|jpegquality-60"
THUMB_SPEC = "max-160x160|format-jpeg|jpegquality-60"
LIST_TAGS = {"ul", "ol"}


def size(html):
    return len(str(html).encode("utf-8"))


def rich_text_chunks(html, host=None):
    """Rich text as chunks, with links to cluster pages pointing to their WAP versions."""
    soup = BeautifulSoup(str(html), "html.parser")
    for link in soup.find_all("a", href=True):
        link["href"] = rewrite_href(link["href"], host)
    chunks = []
    for node in soup.contents:
        if isinstance(node, NavigableString):
            text = str(node).strip()
            if text:
                chunks += _text_chunks(text)
            continue
        piece = str(node)
        if size(piece) <= CHUNK_BYTES:
            chunks.append(piece)
        elif node.name in LIST_TAGS:
            chunks += _list_chunks(node)
        else:
            chunks += _text_chunks(node.get_text())
    return [mark_safe(c) for c in chunks]  # noqa: S308 - parsed from sanitised rich text


def _list_chunks(node):
    chunks, current, number = [], [], 1
    for li in node.find_all("li", recursive=False):
        item = str(li)
        if current and (size(item) > CHUNK_BYTES or size("".join(current + [item])) > CHUNK_BYTES):
            chunks.append(_list_html(node.name, current, number))
            number += len(current)
            current = []
        if size(item) > CHUNK_BYTES:  # one huge item: its text, cut at sentence ends
            chunks += _text_chunks(li.get_text())
            number += 1
        else:
            current.append(item)
    if current:
        chunks.append(_list_html(node.name, current, number))
    return chunks


def _list_html(tag, items, start):
    # An ordered list continued on the next chunk keeps its numbering.
    start_attr = f' start="{start}"' if tag == "ol" and start > 1 else ""
    return f"<{tag}{start_attr}>{''.join(items)}</{tag}>"


def _text_chunks(text):
    """Plain text cut into paragraphs of at most a chunk, at sentence ends where possible."""
    sentences = re.findall(r"[^。！？!?.\n]*[。！？!?.\n]?", text)
    chunks, current = [], ""
    limit = CHUNK_BYTES // 3 - 16  # characters: up to 3 bytes each in UTF-8, plus <p></p>
    for sentence in sentences:
        while len(sentence) > limit:  # a "sentence" with no end mark at all
            chunks.append(current + sentence[: limit - len(current)])
            sentence = sentence[limit - len(current) :]
            current = ""
        if len(current) + len(sentence) > limit:
            chunks.append(current)
            current = ""
        current += sentence
    if current.strip():
        chunks.append(current)
    return [format_html("<p>{}</p>", c.strip()) for c in chunks if c.strip()]


def image_html(image, spec=IMAGE_SPEC, alt=None):
    """A small rendition with its alt text ("" for a decorative image, P05); `alt` when
    the page gives the image its own (an interview photo's caption)."""
    if image is None:
        return ""
    if alt is None and getattr(image, "decorative", False):
        alt = ""
    elif alt is None:
        alt = (
            getattr(image, "contextual_alt_text", None)
            or getattr(image, "default_alt_text", "")
            or image.title
        )
    rendition = image.get_rendition(spec)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}">',
        rendition.url,
        rendition.width,
        rendition.height,
        alt,
    )


def table_chunks(value):
    """A table block as plain tables of at most a chunk each; the header row repeats."""
    data = [[("" if cell is None else str(cell)) for cell in row] for row in (value or {}).get("data") or []]
    if not data:
        return []
    first_col_is_header = value.get("first_col_is_header", False)
    header = ""
    if value.get("first_row_is_table_header", False):
        header = "<tr>" + "".join(format_html('<th scope="col">{}</th>', c) for c in data[0]) + "</tr>"
        data = data[1:]
    caption = value.get("table_caption") or ""
    rows = []
    for row in data:
        cells = []
        for i, cell in enumerate(row):
            if first_col_is_header and i == 0:
                cells.append(format_html('<th scope="row">{}</th>', cell))
            else:
                cells.append(format_html("<td>{}</td>", cell))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    chunks, current = [], []
    for row in rows:
        if current and size(header + "".join(current + [row])) > CHUNK_BYTES:
            chunks.append(current)
            current = []
        current.append(row)
    chunks.append(current)
    out = []
    for i, chunk in enumerate(chunks):
        cap = format_html("<caption>{}</caption>", caption) if caption and i == 0 else ""
        out.append(mark_safe(f"<table>{cap}{header}{''.join(chunk)}</table>"))  # noqa: S308 - cells escaped
    return out


def attachment_html(value):
    document = value.get("document")
    if document is None:
        return ""
    return format_html(
        '<p><a href="{}">{}</a> ({})</p>',
        document.url,
        value.get("title") or document.title,
        document.file_extension.upper(),
    )


def article_chunks(body, host=None):
    """Chunks of an article body: rich text, images, tables, attachments."""
    chunks = []
    for block in body:
        if block.block_type == "paragraph":
            chunks += rich_text_chunks(block.value, host)
        elif block.block_type == "image":
            html = image_html(block.value)
            if html:
                chunks.append(format_html("<p>{}</p>", html))
        elif block.block_type == "table":
            chunks += table_chunks(block.value)
        elif block.block_type == "attachment":
            html = attachment_html(block.value)
            if html:
                chunks.append(html)
    return chunks


def group_parts(chunks, budget=PART_BYTES):
    """Consecutive chunks grouped into parts of at most `budget` bytes (at least one part)."""
    parts, current, used = [], [], 0
    for chunk in chunks:
        n = size(chunk)
        if current and used + n > budget:
            parts.append(current)
            current, used = [], 0
        current.append(chunk)
        used += n
    parts.append(current)
    return parts


def topic_chunks(sections, link, feed, host=None):
    """Chunks of a topic's sections. `link(page)` gives a page's WAP address and
    `feed(column, count)` the newest items of a column as (title, url, time) rows."""
    chunks = []
    for block in sections:
        value = block.value
        kind = block.block_type
        if kind == "banner":
            chunks.append(format_html("<h2>{}</h2>", value["title"]))
            if value.get("subtitle"):
                chunks.append(format_html("<p>{}</p>", value["subtitle"]))
            if value.get("image"):
                chunks.append(format_html("<p>{}</p>", image_html(value["image"])))
        elif kind == "column_feed":
            column = value.get("column")
            if column is None:
                continue
            chunks.append(format_html("<h2>{}</h2>", value.get("title") or column.title))
            rows = feed(column, value.get("count") or 6)
            items = [
                format_html('<li><a href="{}">{}</a> {}</li>', url, title, when) for title, url, when in rows
            ]
            if items:
                chunks.append(mark_safe("<ul>" + "".join(items) + "</ul>"))  # noqa: S308 - escaped
            url = link(column) if column.live else None
            if url:
                chunks.append(format_html('<p><a href="{}">{} &raquo;</a></p>', url, column.title))
        elif kind == "rich_text":
            chunks += rich_text_chunks(value, host)
        elif kind == "gallery":
            if value.get("title"):
                chunks.append(format_html("<h2>{}</h2>", value["title"]))
            for image in value.get("images") or []:
                html = image_html(image, THUMB_SPEC)
                if html:
                    chunks.append(format_html("<p>{}</p>", html))
        elif kind == "video_link":
            chunks.append(format_html('<p><a href="{}">{}</a></p>', value["url"], value["title"]))
        elif kind == "related_links":
            if value.get("title"):
                chunks.append(format_html("<h2>{}</h2>", value["title"]))
            items = []
            for item in value.get("links") or []:
                page = item.get("page")
                url = link(page) if page is not None and page.live else item.get("url")
                if url:
                    items.append(format_html('<li><a href="{}">{}</a></li>', url, item["title"]))
            if items:
                chunks.append(mark_safe("<ul>" + "".join(items) + "</ul>"))  # noqa: S308 - escaped
    return chunks
