"""M24: a government new-media account (the WeChat Official Account; the microblog when its
channel exists) without a post for `new_media_days` days is flagged. The accounts and their
last posts come from the functions named in MONITOR_NEW_MEDIA_SOURCES, one per channel."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import CheckId


def accounts_of(site, today):
    found = []
    for path in settings.MONITOR_NEW_MEDIA_SOURCES:
        found.extend(import_string(path)(site, today=today))
    return found


def check(ctx):
    limits = settings.MONITOR_THRESHOLDS
    accounts = accounts_of(ctx.site, ctx.today)
    silent = []
    for account in accounts:
        last = account["last_post"]
        days = (ctx.today - timezone.localdate(last)).days if last else None
        account_figures = {"name": account["name"], "kind": account["kind"], "days": days}
        if days is None or days >= limits["new_media_days"]:
            silent.append(account_figures)
            ctx.report(
                CheckId.M24,
                f"{account['kind']}:{account['name']}",
                f"{account['label']}“{account['name']}”"
                + (f"已 {days} 天未发布信息" if days is not None else "从未发布信息"),
                evidence={**account_figures, "last_post": last.isoformat() if last else None},
            )
    ctx.figures[CheckId.M24] = {
        "accounts": len(accounts),
        "silent": len(silent),
        "days": [
            {"name": account["name"], "days": (ctx.today - timezone.localdate(account["last_post"])).days}
            for account in accounts
            if account["last_post"]
        ],
    }
    ctx.done(CheckId.M24)
