"""信件统计 in the admin: the figures of letter_statistics for a mailbox the user may
edit, per handling unit and period, with the same CSV and JSON downloads as the public
page. A superuser sees every mailbox; a site's editors see their own site's mailboxes
only, and asking for another's is refused (403) whether or not it exists."""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.snippets import Organisation
from sites.admin_scope import editable_pages

from . import letter_statistics as stats
from . import statistics_pages
from .letter_statistics import LetterDayCount
from .mailbox import MailboxPage


def mailboxes_for(user):
    return MailboxPage.objects.filter(pk__in=editable_pages(user).values("pk")).order_by("path")


def _selection(request):
    """(mailboxes, mailbox, unit) from the GET parameters; 403 for a mailbox outside the
    user's scope, a malformed id included, so ids reveal nothing."""
    mailboxes = list(mailboxes_for(request.user))
    requested = request.GET.get("mailbox", "")
    if requested:
        mailbox = next((m for m in mailboxes if str(m.pk) == requested), None)
        if mailbox is None:
            raise PermissionDenied
    else:
        mailbox = mailboxes[0] if mailboxes else None
    unit = request.GET.get("unit", "")
    # An id too long for the database is no unit at all (never a database error).
    unit = unit if unit == "none" or (unit.isascii() and unit.isdigit() and len(unit) < 10) else None
    return mailboxes, mailbox, unit


def _statistics(request, mailbox, unit):
    first, last = stats.day_range([mailbox.pk])
    period, problem = stats.parse_period(request.GET, last)
    statistics = stats.compute([mailbox.pk], period, unit=int(unit) if unit and unit.isdigit() else unit)
    statistics.problem = problem
    years = list(range(last.year, first.year - 1, -1)) if first else [period.start.year]
    if period.year and period.year not in years:
        years = sorted({*years, period.year}, reverse=True)
    return statistics, years


def statistics_view(request):
    mailboxes, mailbox, unit = _selection(request)
    context = {"page_title": gettext("Letter statistics"), "mailboxes": mailboxes, "mailbox": mailbox}
    if mailbox is not None:
        statistics, years = _statistics(request, mailbox, unit)
        unit_ids = (
            LetterDayCount.objects.filter(mailbox=mailbox, unit__isnull=False).values("unit").distinct()
        )
        selection = {"mailbox": mailbox.pk, **({"unit": unit} if unit else {})}
        query = urlencode({**selection, **statistics.period.query})
        context.update(
            statistics_pages.figures_context(statistics),
            units=Organisation.objects.filter(pk__in=unit_ids).order_by("name"),
            unit=unit or "",
            years=years,
            spans=stats.spans(),
            problem=statistics.problem,
            extra_fields=list(selection.items()),
            period_fields=list(statistics.period.query.items()),
            csv_url=f"{reverse('interaction_letter_statistics_download', args=['csv'])}?{query}",
            json_url=f"{reverse('interaction_letter_statistics_download', args=['json'])}?{query}",
        )
    return TemplateResponse(request, "interaction/admin/statistics.html", context)


def statistics_download(request, fmt):
    _, mailbox, unit = _selection(request)
    if mailbox is None:
        raise PermissionDenied
    statistics, _ = _statistics(request, mailbox, unit)
    return statistics_pages.download(
        mailbox, statistics, fmt, statistics_pages.filename_of(mailbox, statistics.period)
    )


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return mailboxes_for(request.user).exists()


@hooks.register("register_admin_urls")
def statistics_urls():
    return [
        path("letters/statistics/", statistics_view, name="interaction_letter_statistics"),
        path(
            "letters/statistics/<str:fmt>/",
            statistics_download,
            name="interaction_letter_statistics_download",
        ),
    ]


@hooks.register("register_admin_menu_item")
def statistics_menu_item():
    return StatisticsMenuItem(
        gettext_lazy("Letter statistics"),
        reverse("interaction_letter_statistics"),
        icon_name="table",
        order=920,
    )
