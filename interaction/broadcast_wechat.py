"""The WeChat article of a TV inquiry or live broadcast (BroadcastPage.wechat_source): the
interview's article (what, who, when, status, where to follow it) with the departments
on stage and, after the show, how many of the problems raised are rectified."""

from django.utils.html import escape

from .wechat import InterviewSource


class BroadcastSource(InterviewSource):
    """A broadcast: the interview's article with its departments and rectification count."""

    def body(self, html):
        page = self.page
        parts = [f"<p>{escape(page.get_kind_display())}</p>"]
        departments = list(page.departments.select_related("organisation"))
        if departments:
            items = "".join(f"<li>{escape(str(d))}</li>" for d in departments)
            parts.append(f"<h2>上场部门</h2><ul>{items}</ul>")
        counts = page.rectification_counts()
        if counts["raised"]:
            parts.append(
                f"<p>节目中提出问题 {counts['raised']} 个，已整改 {counts['resolved']} 个，"
                "每个问题的整改进展见网站。</p>"
            )
        # Ours first: it holds no link, so its finish() adds no link notes; the interview's
        # body ends with the notes of its own links.
        return html.finish("".join(parts)) + super().body(html)
