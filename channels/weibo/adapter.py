"""The government microblog channel adapter: posts (and, on unpublish, deletes) through
channels/weibo/publish.py, whose errors are the outbox's DeliveryError: final for what the
editor or the account manager must fix, retryable (with the outbox's backoff) for Weibo's
rate limits, outages and posts whose answer was lost. Its section on a page's 发布渠道 view
shows the post as it went out."""

import time

from django.utils import timezone
from django.utils.html import format_html

from channels.adapters import ChannelAdapter

from .models import WeiboPost
from .publish import post_status, withdraw_status


class WeiboAdapter(ChannelAdapter):
    label = "政务微博"

    def __init__(self, *, sleep=time.sleep):
        # Injectable so tests do not wait on the client's retry backoff.
        self.sleep = sleep

    def deliver(self, page, revision, delivery):
        return post_status(page, revision, delivery, sleep=self.sleep)

    def withdraw(self, page, delivery):
        return withdraw_status(page, sleep=self.sleep)

    def page_panel(self, request, page, latest):
        post = (
            WeiboPost.objects.filter(page_id=page.pk).exclude(status_id="").select_related("account").first()
        )
        if post is None:
            return ""
        state = "已删除" if post.withdrawn_at else "已发布"
        moment = post.withdrawn_at or post.posted_at
        return format_html(
            '<section class="weibo-post"><h2>政务微博</h2><p>{}（{}）：{} · {}</p>'
            '<blockquote>{}</blockquote><p><a href="{}" target="_blank" rel="noopener">查看微博</a></p></section>',
            post.account,
            post.account.uid,
            state,
            timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "",
            post.text,
            post.url,
        )
