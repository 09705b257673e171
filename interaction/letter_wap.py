"""The WAP rendering (手机版) of mailboxes and published letters (MailboxPage.wap_view,
LetterPage.wap_view): a mailbox's published letters over server-side pages, its write and
lookup forms at /wap/<mailbox>/xiexin/ and /chaxun/, and a published letter.

The WAP site takes GET only (channels.wap.views.page_view), so the WAP forms post to the
mailbox's own routes with `?wap=1` (interaction/letter_views.py), which answer in the WAP
layout through `render_form_page`."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from channels.wap.views import Wap, page_status, paginate

from .mailbox import CATEGORY_LABELS, LetterPage


def is_wap_request(request):
    return request.path.startswith(reverse("wap:home"))


def render_form_page(request, page, template, context, status=200):
    """A mailbox form page (letter_write/letter_written/letter_lookup) in the WAP layout."""
    wap = Wap(request)
    context = {**context, "wap": True, "base_url": page.get_url(request), "deadlines": page.deadlines_text()}
    return render(request, f"wap/{template}", wap.context(page, **context), status=status)


def mailbox_view(request, wap, page):
    """The mailbox: what it is, its deadlines, write and look up, the published letters."""
    rest = request.path[len(wap.url(page) or "") :]
    # The forms are the mailbox's own views (they answer in this layout for a WAP path).
    if rest == "xiexin/":
        return page.write_route(request)
    if rest == "chaxun/":
        return page.lookup_route(request)
    letters = LetterPage.objects.live().child_of(page).order_by("-replied_at", "-pk")
    page_obj = paginate(letters, request, settings.LETTER_LIST_PAGE_SIZE)
    rows = [
        (letter.title, wap.url(letter), CATEGORY_LABELS.get(letter.category, ""), letter.replied_at)
        for letter in page_obj.object_list
    ]
    base = wap.url(page)
    return render(
        request,
        "wap/mailbox.html",
        wap.context(
            page,
            rows=rows,
            page_obj=page_obj,
            page_status=page_status(wap, page_obj),
            deadlines=page.deadlines_text(),
            write_url=base + "xiexin/" if page.accepts_letters else None,
            lookup_url=base + "chaxun/",
        ),
    )


def letter_view(request, wap, page):
    """A published letter: the same facts as the full page, the writer masked."""
    return render(
        request,
        "wap/letter.html",
        wap.context(page, category_label=CATEGORY_LABELS.get(page.category, "")),
    )
