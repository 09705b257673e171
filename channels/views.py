"""Admin views of the outbox: a page's deliveries with a retry button and each channel's
own panel, and the failures report (the whole cluster for superusers, the pages they may
edit for everyone else)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from . import outbox
from .adapters import get_adapter
from .models import Delivery


def _editable_page(user, page_id):
    page = get_object_or_404(Page, pk=page_id).specific_deferred
    if not page.permissions_for_user(user).can_edit():
        raise PermissionDenied
    return page


def page_deliveries(request, page_id):
    page = _editable_page(request.user, page_id)
    rows = list(Delivery.objects.filter(page=page).select_related("revision")[:100])
    latest = {}
    for row in rows:  # newest first: the first row per channel is its current state
        latest.setdefault(row.channel, row)
    # Each configured channel's own section (WeChat's "notify followers"), if it has one.
    panels = [
        get_adapter(channel).page_panel(request, page, latest.get(channel))
        for channel in settings.CHANNEL_ADAPTERS
    ]
    return TemplateResponse(
        request,
        "channels/page_deliveries.html",
        {"page": page, "latest": list(latest.values()), "rows": rows, "panels": [p for p in panels if p]},
    )


@require_POST
def retry_delivery(request, pk):
    delivery = get_object_or_404(Delivery, pk=pk)
    _editable_page(request.user, delivery.page_id)
    if outbox.retry(delivery):
        messages.success(request, f"已重新提交「{delivery.channel_label}」渠道的发送。")
    else:
        messages.warning(request, "该投递已不处于失败状态，无需重试。")
    return redirect("portal_channels:page", delivery.page_id)


def failures(request):
    rows = Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("page")
    if not request.user.is_superuser:
        editable = PagePermissionPolicy().instances_user_has_any_permission_for(request.user, ["change"])
        rows = rows.filter(page__in=editable.values("pk"))
    page_obj = Paginator(rows.order_by("-pk"), 50).get_page(request.GET.get("p"))
    return TemplateResponse(request, "channels/failures.html", {"page_obj": page_obj, "rows": page_obj})
