"""manage.py emergency_publish PAGE_ID --user ADMIN --reason "…": the one route around a
column's review workflow (cms/review_gate.py), for an emergency that cannot wait for 初审 and
终审 (a correction ordered by the leadership, a public-safety notice).

It runs on the server only (whoever may run it may change the code too), publishes the
page's latest revision as the named superuser, and records the reason in the page's
history (action cms.emergency_publish) beside Wagtail's own publish entry; a review in
progress is cancelled by the publish, as Wagtail does. The content rules of the publish
button (cms.publish_checks) still apply.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Page

from cms.publish_checks import refusals
from cms.review_approval import EMERGENCY, sanctioned
from cms.review_gate import EMERGENCY_LOG_ACTION, under_review


class Command(BaseCommand):
    help = "紧急发布：绕过栏目审核流程直接发布一个页面的最新版本（须超级管理员与理由，记入页面历史）。"

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int, help="页面ID")
        parser.add_argument("--user", required=True, help="执行紧急发布的超级管理员用户名")
        parser.add_argument("--reason", required=True, help="紧急发布的理由（记入页面历史）")

    def handle(self, *args, page_id, user, reason, **options):
        reason = reason.strip()
        if not reason:
            raise CommandError("须填写紧急发布的理由（--reason）", returncode=2)
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None or not account.is_superuser:
            raise CommandError(f"{user} 不是有效的超级管理员，不能紧急发布", returncode=2)
        page = Page.objects.filter(pk=page_id).first()
        if page is None:
            raise CommandError(f"页面 {page_id} 不存在", returncode=2)
        page = page.specific
        if not under_review(page):
            raise CommandError(f"“{page.title}”所在栏目没有审核流程，请在后台直接发布", returncode=2)
        revision = page.get_latest_revision()
        if revision is None:
            raise CommandError(f"“{page.title}”没有可发布的版本", returncode=2)
        refused = refusals(revision.as_object())
        if refused:
            raise CommandError("内容不符合发布要求：" + "；".join(refused), returncode=2)
        with transaction.atomic(), sanctioned(page.pk, revision.pk, EMERGENCY):
            revision.publish(user=account)
            log(
                instance=page,
                action=EMERGENCY_LOG_ACTION,
                user=account,
                revision=revision,
                data={"reason": reason},
            )
        page.refresh_from_db()
        state = "已上线" if page.live and page.live_revision_id == revision.pk else "已按预定时间排期"
        self.stdout.write(f"紧急发布：“{page.title}”（ID {page.pk}）{state}；理由已记入页面历史。")
