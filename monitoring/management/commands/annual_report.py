"""Write a site's annual website report (政府网站工作年度报表, M23) as an editable .docx:

manage.py annual_report --site www.czs.gov.cn --year 2014 --out 2014.docx
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from monitoring import annual_report_docx
from monitoring.annual_report import FIRST_YEAR, LAST_YEAR, annual_report


class Command(BaseCommand):
    help = "Write a site's annual website report (政府网站工作年度报表) as a .docx file."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="the site's hostname")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--out", help="the .docx file to write (default: annual-report-HOST-YEAR.docx)")

    def handle(self, *args, site, year, out=None, **options):
        found = Site.objects.filter(hostname=site).select_related("root_page").order_by("port").first()
        if found is None:
            raise CommandError(f"No site has the hostname {site!r}.")
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"The year must be between {FIRST_YEAR} and {LAST_YEAR}.")
        report = annual_report(found, year)
        path = Path(out or annual_report_docx.filename(report))
        path.write_bytes(annual_report_docx.write(report))
        self.stdout.write(f"{report.title}: {path}")
