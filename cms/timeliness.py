"""G03: proactively disclosed items go out within 20 working days of being written
(settings.DISCLOSURE_DEADLINE_WORKING_DAYS). An item with a 成文日期 (ArticlePage.written_at)
published later than that, counted in working days of the Chinese calendar
(cms.workdays), is late; the editor desk shows the user's late items of the last weeks.

Counting as everywhere in the platform: the day written is day 0; published on the 20th
working day after it is on time, on the 21st late.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .pages import ArticlePage
from .workdays import add_working_days, working_days_between

#: The editor desk looks this many days back, and lists at most this many items.
RECENT_DAYS = 60
MAX_ITEMS = 20


def deadline_days():
    return getattr(settings, "DISCLOSURE_DEADLINE_WORKING_DAYS", 20)


def publish_deadline(written_on):
    """The last day an item written on `written_on` may be published on."""
    return add_working_days(written_on, deadline_days())


def working_days_late(written_on, published_at):
    """How many working days after its deadline the item went out (0: on time)."""
    if written_on is None or published_at is None:
        return 0
    published_on = (
        timezone.localdate(published_at) if isinstance(published_at, datetime.datetime) else published_at
    )
    return max(working_days_between(written_on, published_on) - deadline_days(), 0)


def is_late(page):
    return working_days_late(page.written_at, page.display_time) > 0


def late_items(user, today=None):
    """The user's live disclosure items published in the last RECENT_DAYS days that went
    out late, newest first, as (page, working days late)."""
    today = today or timezone.localdate()
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=RECENT_DAYS), datetime.time.min)
    )
    pages = (
        ArticlePage.objects.live()
        .filter(written_at__isnull=False, published_at__gte=since)
        .filter(pk__in=policy_registry.get_by_type(Page).explorable_instances(user).values("pk"))
        .only("title", "written_at", "published_at", "first_published_at", "path", "depth")
        .order_by("-published_at", "-pk")
    )
    late = []
    for page in pages[:500]:  # a bound: the desk is a reminder, not a report
        days = working_days_late(page.written_at, page.display_time)
        if days:
            late.append((page, days))
            if len(late) == MAX_ITEMS:
                break
    return late


class LateDisclosurePanel(Component):
    """The editor desk's list of the user's items that went out after G03's deadline."""

    name = "late_disclosures"
    template_name = "cms/admin/late_disclosures.html"
    order = 55

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context.update({"late": late_items(self.user), "deadline_days": deadline_days()})
        return context
