"""The annual website reports (M23) in the admin: the list of the user's sites with the
years that have data, one report as HTML, and the same report as an editable .docx.
Scoped like 访问统计 (monitoring.analytics_views): another site's id is a 404."""

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext

from . import annual_report_docx
from .annual_report import FIRST_YEAR, LAST_YEAR, annual_report, report_years
from .scope import site_or_404, visible_sites


def annual_reports_view(request):
    rows = []
    for site in visible_sites(request.user):
        years = [
            {
                "year": year,
                "html": reverse("monitoring:annual_report", args=[site.pk, year]),
                "docx": reverse("monitoring:annual_report_docx", args=[site.pk, year]),
            }
            for year in report_years(site)
        ]
        rows.append({"site": site, "years": years})
    context = {
        "page_title": gettext("Annual website reports"),
        "rows": rows,
        "analytics_url": reverse("monitoring:analytics"),
    }
    return TemplateResponse(request, "monitoring/analytics_annual_reports.html", context)


def _report(request, site_id, year):
    site = site_or_404(request.user, site_id)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return annual_report(site, year)


def annual_report_view(request, site_id, year):
    report = _report(request, site_id, year)
    context = {
        "page_title": report.title,
        "report": report,
        "docx_url": reverse("monitoring:annual_report_docx", args=[site_id, year]),
        "list_url": reverse("monitoring:annual_reports"),
    }
    return TemplateResponse(request, "monitoring/analytics_annual_report.html", context)


def annual_report_docx_view(request, site_id, year):
    report = _report(request, site_id, year)
    response = HttpResponse(annual_report_docx.write(report), content_type=annual_report_docx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{annual_report_docx.filename(report)}"'
    return response
