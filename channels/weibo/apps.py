"""The microblog channel as an app of its own: its models and migrations live in
channels/weibo, so adding the channel migrates nothing of the channels app or of cms."""

from django.apps import AppConfig


class WeiboConfig(AppConfig):
    name = "channels.weibo"
    label = "portal_weibo"
    verbose_name = "政务微博"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cms import publish_checks

        from .rules import weibo_limits

        # The page editor, submit, publish and review approvals tell an item bound for the
        # microblog what Weibo would refuse (cms.publish_checks), as WeChat's limits do.
        publish_checks.register(weibo_limits)
