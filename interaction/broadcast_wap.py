"""The WAP rendering (手机版) of a TV inquiry or live broadcast (电视问政 / 网上直播).

The WAP site reaches this view through BroadcastPage.wap_view (cms.items); it renders as
an interview's WAP page does (interaction/wap.py) with the kind, the departments on stage,
the video and the problems raised with their status, before the record's pages."""

from .wap import interview_view


def broadcast_view(request, wap, page):
    """A broadcast: status, schedule, departments, guests, video and the problems with their
    progress open page 1; the transcript, live text and approved messages follow over
    server-side pages (Interview.get_context reads only approved messages)."""
    return interview_view(
        request,
        wap,
        page,
        template="wap/broadcast.html",
        context_names=("departments", "rectifications", "rectification_counts"),
    )
