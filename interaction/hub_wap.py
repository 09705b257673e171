"""The WAP rendering (手机版) of the 互动交流 page (InteractionHubPage.wap_view): the same
sections as the full version — each mailbox with its figures and latest replies, the
consultations and surveys, the broadcasts and interviews — as short lists with WAP links."""

from django.shortcuts import render
from django.utils import timezone

from cms.pages import ColumnPage
from cms.templatetags.portal_tags import china_time

from .consultations import feedback_statistics


def hub_view(request, wap, page):
    now = timezone.now()
    mailboxes = [
        {
            "title": mailbox.title,
            "url": wap.url(mailbox),
            "figures": statistics.total,
            "period": statistics.period.label,
            "letters": [(letter.title, wap.url(letter)) for letter in letters],
        }
        for mailbox, statistics, letters in page.mailbox_sections()
    ]
    participation = [
        (item.title, wap.url(item), f"{kind} · {item.status_label}")
        for item, kind in page.participation_pages(now)
    ]
    events = [
        (event.title, wap.url(event), event.status_label, china_time(event.starts_at, "%Y-%m-%d %H:%M"))
        for event in page.events()
    ]
    return render(
        request,
        "wap/interaction_hub.html",
        wap.context(
            page,
            subcolumns=[(c.title, wap.url(c)) for c in page.child_sections(ColumnPage)],
            mailboxes=mailboxes,
            participation=participation,
            feedback=feedback_statistics(root=page, now=now),
            events=events,
        ),
    )
