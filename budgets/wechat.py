"""The WeChat article of a department's budget or final-accounts disclosure (DisclosurePage
.wechat_source): its department, year, headline totals and 三公 figures with last year's
(the page's own `sangong_changes`) as a short table, ending with a link to the full page,
where the nine tables and the downloads are. The numbers are formatted as on the page."""

from django.utils.html import escape

from channels.wechat.html import DIGEST_MAX, TITLE_MAX
from channels.wechat.sources import ArticleSource, generated_cover, shorten

from .templatetags.budget_tags import amount as money
from .templatetags.budget_tags import signed_amount, signed_percent


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
        return shorten(f"{name}{page.year}年{label}", TITLE_MAX)

    def author(self):
        return ""

    def digest(self):
        return shorten(self.page.push_summary(), DIGEST_MAX)

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
        totals = page.totals()
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
