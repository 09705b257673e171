"""M10 and M11: a working online consultation channel, and no valid message of the last
12 months left unanswered past the 3-month line. The channels come from the functions
named in MONITOR_INTERACTION_SOURCES (the interaction app's mailboxes); "working" is
checked over HTTP: the channel's form page answers and shows a form."""

from django.conf import settings
from django.utils.module_loading import import_string

from .models import CheckId


def channels_of(site, today):
    found = []
    for path in settings.MONITOR_INTERACTION_SOURCES:
        found.extend(import_string(path)(site, today=today))
    return found


def check(ctx):
    channels = channels_of(ctx.site, ctx.today)
    form_urls = [ctx.base_url + channel["form_path"] for channel in channels if channel["accepts"]]
    if ctx.settings.consultation_url:
        form_urls.append(ctx.settings.consultation_url)
    served = dict(zip(form_urls, ctx.map(ctx.fetch, form_urls), strict=True))
    working = [url for url, page in served.items() if page.ok and "<form" in page.text]
    if not working:
        ctx.report(
            CheckId.M10,
            "no-channel",
            "没有可用的在线咨询渠道" if not channels else "在线咨询渠道无法使用",
            url=form_urls[0] if form_urls else "",
            evidence={
                "channels": [
                    {"name": channel["name"], "form_url": ctx.base_url + channel["form_path"]}
                    for channel in channels
                ],
                "answers": {url: page.status or page.error for url, page in served.items()},
            },
        )
    near = 0
    for channel in channels:
        near += len(channel["near_line"])
        for letter in channel["overdue"]:
            ctx.report(
                CheckId.M11,
                f"letter:{letter['code']}",
                f"留言超过 3 个月未答复：{channel['name']} {letter['code']}",
                url=ctx.base_url + channel["path"],
                evidence={"mailbox": channel["name"], **letter},
            )
    ctx.figures[CheckId.M10] = {"channels": len(channels), "working": len(working)}
    ctx.figures[CheckId.M11] = {
        "overdue": sum(len(channel["overdue"]) for channel in channels),
        "near_line": near,
    }
    ctx.done(CheckId.M10)
    ctx.done(CheckId.M11)
