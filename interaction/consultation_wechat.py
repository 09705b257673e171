"""The WeChat articles of consultations and surveys (`wechat_source`, cms.items): a
consultation's call for comments (what the draft is about, who asks, until when, its
articles, and where to comment) and a survey's invitation; the comment form, the
questionnaire and the results are on the full page."""

from django.utils.html import escape, linebreaks

from channels.wechat.html import DIGEST_MAX
from channels.wechat.sources import ArticleSource, generated_cover, shorten

from .consultations import Phase

# A long draft is summarised in the article: its first articles, then the link.
WECHAT_SECTIONS = 10


class ParticipationSource(ArticleSource):
    """What a consultation's and a survey's article share."""

    invite_open = ""
    invite_closed = ""

    def author(self):
        return self.page.organisation.name

    def digest(self):
        return shorten(self.page.summary or "", DIGEST_MAX)

    def cover(self):
        return generated_cover("consultation")

    def middle(self):
        return ""

    def body(self, html):
        page = self.page
        parts = [
            f"<p>{escape(page.summary)}</p>",
            f"<h2>征集时间</h2><p>{escape(page.period_text())}（{escape(Phase(page.phase()).label)}）</p>",
            f"<p>发起单位：{escape(page.organisation.name)}</p>",
            self.middle(),
        ]
        url = page.full_url or ""
        if url:
            invite = self.invite_closed if page.phase() == Phase.CLOSED else self.invite_open
            parts.append(f"<p>{invite}{html.link_text(page.title, url)}</p>")
        return html.finish("".join(parts))


class ConsultationSource(ParticipationSource):
    """A consultation's call for comments."""

    invite_open = "欢迎在网站上对征求意见稿全文或逐条发表意见："
    invite_closed = "征集已结束，征集情况和意见采纳反馈见网站："

    def middle(self):
        sections = list(self.page.sections.all())
        parts = ["<h2>征求意见稿</h2>"]
        for section in sections[:WECHAT_SECTIONS]:
            heading = f"<h3>{escape(section.heading)}</h3>" if section.heading else ""
            parts.append(heading + linebreaks(escape(section.text)))
        if len(sections) > WECHAT_SECTIONS:
            parts.append(f"<p>（全文共{len(sections)}条，其余条款见网站。）</p>")
        return "".join(parts)


class SurveySource(ParticipationSource):
    """A survey's invitation: its questions are answered on the site."""

    invite_open = "欢迎在网站上参加调查："
    invite_closed = "调查已结束，调查结果和反馈见网站："

    def middle(self):
        questions = "".join(f"<li>{escape(q.text)}</li>" for q in self.page.questions.all())
        return f"<h2>调查问题</h2><ol>{questions}</ol>" if questions else ""
