"""The WAP rendering (手机版) of a TV inquiry or live broadcast (电视问政 / 网上直播).

The WAP site reaches this view through BroadcastPage.wap_view (cms.items); it renders as
an interview's WAP page does (interaction/wap.py) with the kind, the departments on stage,
the video and the problems raised with their status, before the record's pages."""

from django.shortcuts import render
from django.template.loader import render_to_string

from channels.wap import body
from channels.wap.views import page_status, parts


def broadcast_view(request, wap, page):
    """A broadcast: status, schedule, departments, guests, video and the problems with their
    progress open page 1; the transcript, live text and approved messages follow over
    server-side pages (Interview.get_context reads only approved messages)."""
    context = page.get_context(request)
    record = render_to_string("wap/_interview_record.html", {**context, "page": page}, request=request)
    page_obj, part = parts(request, body.rich_text_chunks(record, request.get_host()))
    return render(
        request,
        "wap/broadcast.html",
        wap.context(
            page,
            part=part,
            page_obj=page_obj,
            page_status=page_status(wap, page_obj),
            guests=context["guests"],
            departments=context["departments"],
            rectifications=context["rectifications"],
            rectification_counts=context["rectification_counts"],
            photos=[(body.image_html(p.image, alt=p.caption), p.caption) for p in context["photos"]],
            ask_url=page.get_url(request) + "#ask" if page.is_open_for_questions else None,
        ),
    )
