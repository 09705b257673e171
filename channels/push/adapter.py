"""The `app` channel: when an item of a column whose 发布渠道 include 移动客户端 is first
published, the app's users get a notification (title, summary, deep link). The summary is
the item type's own `push_summary()` (cms.items): a disclosure makes one from its
department, year and 三公 total.

An item is pushed once: later publishes (edits) of the same item are delivered without a
second notification, and the idempotency key is per item, so a receiver that saw it
already (a retry after a lost answer) drops it too.
"""

from django.conf import settings

from channels.adapters import ChannelAdapter
from channels.models import Delivery

from .providers import Notification, get_provider


class AppPushAdapter(ChannelAdapter):
    label = "移动客户端"

    def deliver(self, page, revision, delivery):
        earlier = (
            Delivery.objects.filter(
                page_id=page.pk,
                channel=delivery.channel,
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
            summary=page.push_summary(),
            deep_link=settings.PUSH_DEEP_LINK.format(id=page.pk),
            url=page.get_full_url() or "",
            site=site.hostname if site else "",
        )
        # A provider's PushError is a DeliveryError: the outbox takes it as it is.
        return get_provider().send(notification, f"portal-push-{page.pk}")
