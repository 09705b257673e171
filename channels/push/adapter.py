"""The `app` channel: when an item of a column whose 发布渠道 include 移动客户端 is first
published, the app's users get a notification (title, summary, deep link). Items are
articles, budget disclosures (whose summary is made from the department, year and 三公
total) and online interviews (channels.content).

An item is pushed once: later publishes (edits) of the same item are delivered without a
second notification, and the idempotency key is per item, so a receiver that saw it
already (a retry after a lost answer) drops it too.
"""

from django.conf import settings

from channels.adapters.base import ChannelAdapter, DeliveryError
from channels.content import summary_of
from channels.models import Delivery

from .providers import Notification, PushError, get_provider


class AppPushAdapter(ChannelAdapter):
    name = "app"

    def deliver(self, page, revision, delivery):
        earlier = (
            Delivery.objects.filter(
                page_id=page.pk,
                channel=self.name,
                action=Delivery.Action.DELIVER,
                status=Delivery.Status.DELIVERED,
            )
            .exclude(pk=delivery.pk)
            .exists()
        )
        if earlier:
            return {"skipped": "已推送过，更新不再推送"}
        site = page.get_site()
        notification = Notification(
            item_id=page.pk,
            title=page.title,
            summary=summary_of(page),
            deep_link=settings.PUSH_DEEP_LINK.format(id=page.pk),
            url=page.get_full_url() or "",
            site=site.hostname if site else "",
        )
        try:
            return get_provider().send(notification, f"portal-push-{page.pk}")
        except PushError as exc:
            raise DeliveryError(exc.reason, retryable=exc.retryable, code=exc.code) from exc
