"""What a WeChat article is made of, for each kind of item the outbox delivers there.

publish.py asks `source_for(page)` for the article's title, author, digest, cover and
body; everything after that (the limits, the uploads, draft/add or draft/update, submit,
polling) is the same for every kind. An article's body is its own StreamField; a budget
disclosure and an online interview are structured, so their article is written from their
fields: a disclosure's department, year, headline totals and 三公 figures with last year's
(the page's own `sangong_changes`) as a short table; an interview's summary, guests,
schedule and status. Both end with a link to the full page on the site, where the nine
tables, the downloads, the live text and the questions are.

WeChat requires a cover. A disclosure has no picture, and an interview may have none, so
those get a plain cover drawn here (the same bytes every time, so it is uploaded once per
account).
"""

import io
from functools import cache

from django.utils.html import escape
from PIL import Image as PILImage
from PIL import ImageDraw

from budgets.pages import DisclosurePage
from budgets.templatetags.budget_tags import amount as money
from budgets.templatetags.budget_tags import signed_amount, signed_percent
from channels.content import disclosure_summary, disclosure_totals, schedule_text
from interaction.interviews import Interview, Status

from .html import DIGEST_MAX, TITLE_MAX


def _shorten(text, limit):
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ArticleSource:
    """An article page (or any page with a `body` StreamField): read as it is. Limits are
    not worked around here: the editor is told what to shorten."""

    def __init__(self, page):
        self.page = page

    def title(self):
        return self.page.title

    def author(self):
        return getattr(self.page, "author", "") or getattr(self.page, "source", "") or ""

    def digest(self):
        return (getattr(self.page, "summary", "") or "").strip()

    def cover(self):
        """A Wagtail image, the JPEG bytes of a cover, or None."""
        return getattr(self.page, "cover_image", None)

    def body(self, html):
        """The article's content, converted by `html` (a WeChatHTML)."""
        return html.page_body(self.page)


class DisclosureSource(ArticleSource):
    """A department's budget or final-accounts disclosure."""

    def title(self):
        # G10's title is long for a department with a long name; WeChat takes 32 characters.
        page = self.page
        name, label = page.organisation.name, page.kind_label
        for title in (
            page.title,
            f"{name}{page.year}年{label}和“三公”经费公开",
            f"{name}{page.year}年部门{label}公开",
        ):
            if len(title) <= TITLE_MAX:
                return title
        return _shorten(f"{name}{page.year}年{label}", TITLE_MAX)

    def author(self):
        return ""

    def digest(self):
        return _shorten(disclosure_summary(self.page), DIGEST_MAX)

    def cover(self):
        return generated_cover("disclosure")

    def body(self, html):
        page = self.page
        previous = page.previous()
        label = page.kind_label
        parts = [
            f"<p>{escape(page.organisation.name)}公开{page.year}年度部门{label}和“三公”经费{label}。"
            "金额单位：万元。</p>"
        ]
        totals = disclosure_totals(page)
        if totals:
            rows = "".join(
                f"<tr><td>{escape(name)}</td><td>{money(value)}</td></tr>" for name, value in totals
            )
            parts.append(f"<h2>收支总体情况</h2><table><tr><th>项目</th><th>金额</th></tr>{rows}</table>")
        last = f"{previous.year}年" if previous else "上年"
        rows = []
        for row in page.sangong_changes(previous):
            # The page's own number formats: "+1.20（增长 5.0%）", "—" with nothing to compare.
            change = signed_amount(row["change"])
            if row["change"] is not None and row["percent"] is not None:
                change += f"（{signed_percent(row['percent'])}）"
            previous_amount = "无数据" if row["previous"] is None else money(row["previous"])
            rows.append(
                f"<tr><td>{escape(row['part'])}</td><td>{money(row['current'])}</td>"
                f"<td>{previous_amount}</td><td>{change}</td></tr>"
            )
        parts.append(
            f"<h2>“三公”经费{label}</h2><table><tr><th>项目</th><th>{page.year}年</th><th>{last}</th>"
            f"<th>增减</th></tr>{''.join(rows)}</table>"
        )
        counts = self._counts()
        if counts:
            parts.append(f"<p>{'；'.join(counts)}。</p>")
        if page.sg_explanation:
            parts.append(f"<h3>增减变化原因说明</h3><p>{escape(page.sg_explanation)}</p>")
        url = page.full_url or ""
        if url:
            parts.append(
                f"<p>全部报表、图表和数据下载（CSV、JSON）见网站：{html.link_text(page.title, url)}</p>"
            )
        return html.finish("".join(parts))

    def _counts(self):
        page = self.page
        said = []
        for text, value, unit in (
            ("因公出国(境)团组数", page.trips_abroad, "个"),
            ("因公出国(境)人次数", page.travellers_abroad, "人次"),
            ("公务用车购置数", page.vehicles_bought, "辆"),
            ("公务用车保有量", page.vehicles_held, "辆"),
            ("国内公务接待批次", page.receptions, "批次"),
            ("国内公务接待人次", page.reception_guests, "人次"),
        ):
            if value is not None:
                said.append(f"{text} {value} {unit}")
        return said


class InterviewSource(ArticleSource):
    """An online interview: what it is about, who, when, its status, and where to follow it."""

    def author(self):
        return ""

    def digest(self):
        # The page allows a long summary; WeChat's digest is a teaser, so it is cut, not refused.
        return _shorten(self.page.summary or "", DIGEST_MAX)

    def cover(self):
        photo = next(iter(self.page.photos.all()), None)
        return photo.image if photo is not None else generated_cover("interview")

    def body(self, html):
        page = self.page
        parts = [f"<p>{escape(page.summary)}</p>"]
        guests = list(page.guests.all())
        if guests:
            items = "".join(f"<li>{escape(g.title)} {escape(g.name)}</li>" for g in guests)
            parts.append(f"<h2>访谈嘉宾</h2><ul>{items}</ul>")
        parts.append(f"<h2>访谈时间</h2><p>{schedule_text(page)}（{escape(page.get_status_display())}）</p>")
        if page.video_url:
            parts.append(f"<p>访谈视频：{html.link_text('观看视频', page.video_url)}</p>")
        url = page.full_url or ""
        if url:
            if page.status == Status.ENDED:
                invite = "文字实录、网友提问与嘉宾回答见网站："
            else:
                invite = "文字直播、网友提问与嘉宾回答见网站，欢迎在访谈页面向嘉宾提问："
            parts.append(f"<p>{invite}{html.link_text(page.title, url)}</p>")
        return html.finish("".join(parts))


SOURCES = ((DisclosurePage, DisclosureSource), (Interview, InterviewSource))


def source_for(page):
    """The source that reads `page` (a specific page or a revision's object)."""
    return next((source(page) for model, source in SOURCES if isinstance(page, model)), ArticleSource(page))


COVER_SIZE = (900, 383)  # WeChat's 2.35:1 cover
COVER_RED = (181, 18, 27)  # the portal's red (html.BASE_STYLES' headings)


@cache
def generated_cover(kind):
    """A plain JPEG cover for items without a picture: the portal's red with a white motif
    (bars for a disclosure's figures, speech bubbles for an interview). No text: fonts
    with Chinese glyphs are not on every server."""
    image = PILImage.new("RGB", COVER_SIZE, COVER_RED)
    draw = ImageDraw.Draw(image)
    white, pale = (255, 255, 255), (236, 180, 183)
    if kind == "disclosure":
        base = 320
        for i, height in enumerate((120, 180, 150, 230, 200)):
            left = 260 + i * 80
            draw.rectangle((left, base - height, left + 50, base), fill=white if i % 2 else pale)
        draw.line((230, base, 670, base), fill=white, width=4)
    else:
        draw.rounded_rectangle((230, 90, 560, 230), radius=30, fill=white)
        draw.polygon(((300, 225), (280, 280), (350, 225)), fill=white)
        draw.rounded_rectangle((400, 180, 680, 300), radius=30, fill=pale)
        draw.polygon(((610, 295), (640, 340), (560, 295)), fill=pale)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
