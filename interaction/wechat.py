"""The WeChat article of an online interview (Interview.wechat_source): what it is about,
who, when, its status, and where to follow it (the live text and the questions are on the
full page)."""

from django.utils.html import escape

from channels.wechat.html import DIGEST_MAX
from channels.wechat.sources import ArticleSource, generated_cover, shorten

from .interviews import Status


class InterviewSource(ArticleSource):
    """An online interview: what it is about, who, when, its status, and where to follow it."""

    def author(self):
        return ""

    def digest(self):
        # The page allows a long summary; WeChat's digest is a teaser, so it is cut, not refused.
        return shorten(self.page.summary or "", DIGEST_MAX)

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
        parts.append(f"<h2>访谈时间</h2><p>{page.schedule_text()}（{escape(page.get_status_display())}）</p>")
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
