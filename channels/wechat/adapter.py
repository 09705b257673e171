"""The WeChat Official Account channel adapter: publishes (and, on unpublish, takes down)
through channels/wechat/publish.py, whose PublishPending (the job is checked later by a
deferred task) and PublishError are the outbox's DeliveryPending and DeliveryError.

The channel's admin parts are its own too: the "notify followers" panel on a page's
发布渠道 view, the mass send and menu views (urls.admin_urlpatterns, mounted at
/admin/channels/wechat/) and Settings → 公众号菜单.
"""

import time

from django.utils.html import format_html

from channels.adapters import ChannelAdapter

from .preview import standin_panel
from .publish import publish_article, withdraw_article
from .views import menu_admin_item, notify_panel


class WeChatAdapter(ChannelAdapter):
    label = "微信公众号"
    admin_urls = "channels.wechat.urls.admin_urlpatterns"

    def __init__(self, *, sleep=time.sleep, on_draft_saved=None):
        # Injectable so tests neither wait on the client's retry backoff nor need to kill
        # a process to crash between draft/add and freepublish/submit.
        self.sleep = sleep
        self.on_draft_saved = on_draft_saved

    def deliver(self, page, revision, delivery):
        return publish_article(page, revision, sleep=self.sleep, on_draft_saved=self.on_draft_saved)

    def withdraw(self, page, delivery):
        return withdraw_article(page, sleep=self.sleep)

    # -- admin -------------------------------------------------------------------------------

    def page_panel(self, request, page, latest):
        notify = notify_panel(request, page) if latest is not None else ""
        return format_html("{}{}", standin_panel(request, page), notify)

    def settings_menu_items(self):
        return [menu_admin_item()]
