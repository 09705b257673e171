"""After an approval that publishes, the approver is told where the item went: "「…」已
审核通过并发布到：网站、手机版、微信公众号", with a button to the page's 发布渠道 view; and
the page editor's header says each channel's state.

The approval publishes inside the workflow's finish action (cms.review_approval), which
has no request; Wagtail's workflow action view then redirects (to the edit page, the
dashboard or the listing it came from). So the message is found, not carried: the next
admin page the approver sees (those three, and the edit view's own approve) looks up the
final approvals this user made in the last minutes that it has not announced yet (the
session remembers the last one announced).
"""

from datetime import timedelta

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from wagtail.admin import messages
from wagtail.models import Page, TaskState, WorkflowState

from .adapters import channel_label
from .models import Delivery
from .outbox import channels_for

SEEN_KEY = "portal_channels_announced_approval"
#: Approvals older than this are not announced any more (a session's first page).
WINDOW = timedelta(minutes=10)


def published_text(page, channels):
    labels = "、".join(channel_label(channel) for channel in channels) or "网站"
    return f"「{page.get_admin_display_title()}」已审核通过并发布到：{labels}。"


def scheduled_text(page, channels, when):
    labels = "、".join(channel_label(channel) for channel in channels) or "网站"
    return f"「{page.get_admin_display_title()}」已审核通过，将于 {when:%Y-%m-%d %H:%M} 发布到：{labels}。"


def final_approvals(user, after_pk):
    """The task states that finished a workflow by `user`'s approval, recently, after
    `after_pk`, oldest first."""
    return (
        TaskState.objects.filter(
            finished_by=user,
            status=TaskState.STATUS_APPROVED,
            workflow_state__status=WorkflowState.STATUS_APPROVED,
            workflow_state__current_task_state=F("pk"),
            finished_at__gte=timezone.now() - WINDOW,
            pk__gt=after_pk,
        )
        .select_related("workflow_state", "revision")
        .order_by("pk")
    )


def announce_published_approvals(request):
    """Add the message of each final approval of this user not yet announced."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return
    seen = request.session.get(SEEN_KEY, 0)
    approvals = list(final_approvals(user, seen))
    if not approvals:
        return
    pages = Page.objects.filter(pk__in=[int(a.workflow_state.object_id) for a in approvals]).specific()
    pages = {page.pk: page for page in pages}
    for approval in approvals:
        page = pages.get(int(approval.workflow_state.object_id))
        if page is None:
            continue
        channels = channels_for(page)
        go_live_at = approval.revision.approved_go_live_at if approval.revision else None
        if go_live_at and go_live_at > timezone.now():
            text = scheduled_text(page, channels, timezone.localtime(go_live_at))
        elif page.live:
            text = published_text(page, channels)
        else:
            continue
        messages.success(
            request,
            text,
            buttons=[messages.button(reverse("portal_channels:page", args=[page.pk]), "查看发布渠道")],
        )
    request.session[SEEN_KEY] = approvals[-1].pk


# -- the channel status in the page editor's header -------------------------------------


def latest_deliveries(page):
    """The newest delivery row of each channel of the page."""
    latest = {}
    for row in Delivery.objects.filter(page_id=page.pk).order_by("-pk").only("channel", "status")[:50]:
        latest.setdefault(row.channel, row)
    return [latest[channel] for channel in sorted(latest)]


def status_label(page):
    """ "发布渠道：网站 已送达 · 微信公众号 失败", or "发布渠道" for a page sent nowhere yet."""
    rows = latest_deliveries(page)
    if not rows:
        return "发布渠道"
    return "发布渠道：" + " · ".join(f"{row.channel_label} {row.get_status_display()}" for row in rows)
