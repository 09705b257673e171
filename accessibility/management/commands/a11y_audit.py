"""manage.py a11y_audit --site HOST: audit a site's pages in a real browser in every mode
(axe-core in Debian's chromium) plus the publish-time content checks, and write the report
as HTML and CSV. Exits non-zero when anything serious or blocking was found."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accessibility import audit, browser


class Command(BaseCommand):
    help = "无障碍检测：在浏览器中按各浏览模式检测网站页面，并输出 HTML 和 CSV 报告"

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="网站主机名，如 www.czs.localhost")
        parser.add_argument("--output", default="var/a11y-report", help="报告目录")
        parser.add_argument("--base-url", help="已在运行的网站地址（默认在本进程内启动服务）")
        parser.add_argument("--per-type", type=int, default=3, help="每种页面类型检测的页面数")
        parser.add_argument("--modes", nargs="*", choices=browser.AUDIT_MODES, help="只检测这些模式")
        parser.add_argument("--screenshots", help="把首页各模式截图保存到此目录")

    def handle(self, *args, **options):
        try:
            site = audit.site_for(options["site"])
        except LookupError as error:
            raise CommandError(str(error)) from error
        try:
            rows = audit.run(
                site, options["base_url"], options["modes"], options["per_type"], options["screenshots"]
            )
        except browser.BrowserUnavailable as error:
            raise CommandError(str(error)) from error
        out = Path(options["output"])
        out.mkdir(parents=True, exist_ok=True)
        audit.write_csv(rows, out / "report.csv")
        audit.write_html(rows, out / "report.html", site)
        blocking = [r for r in rows if r.blocking]
        problems = [r for r in rows if r.rule]
        self.stdout.write(
            f"检测 {len({(r.url, r.mode) for r in rows if r.source == 'axe'})} 个页面/模式，"
            f"问题 {len(problems)} 项，严重 {len(blocking)} 项；报告：{out / 'report.html'}、{out / 'report.csv'}"
        )
        if blocking:
            raise CommandError(f"发现 {len(blocking)} 项严重无障碍问题")
