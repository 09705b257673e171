"""The WAP rendering (手机版) of an online interview (在线访谈).

The WAP site reaches this view through Interview.wap_view (cms.items) and lends it its
helpers (channels.wap.views.Wap, parts, page_status; channels.wap.body for the chunks)."""

from django.shortcuts import render
from django.template.loader import render_to_string

from channels.wap import body
from channels.wap.views import page_status, parts


def interview_view(request, wap, page, template="wap/interview.html", context_names=()):
    """An interview: status, schedule, guests, video and photos open page 1; the archived
    transcript, the live text and the approved questions with their answers follow over
    server-side pages, as an article's body does (a long event's record can be far over
    the budget). The data is the full version's (Interview.get_context, which reads
    questions only through Question.objects.public()); asking is done on the full version.
    A broadcast (interaction/broadcast_wap.py) names its own `template` and the names of
    its page context the template also reads (`context_names`)."""
    context = page.get_context(request)
    record = render_to_string("wap/_interview_record.html", {**context, "page": page}, request=request)
    page_obj, part = parts(request, body.rich_text_chunks(record, request.get_host()))
    return render(
        request,
        template,
        wap.context(
            page,
            part=part,
            page_obj=page_obj,
            page_status=page_status(wap, page_obj),
            guests=context["guests"],
            photos=[(body.image_html(p.image, alt=p.caption), p.caption) for p in context["photos"]],
            ask_url=page.get_url(request) + "#ask" if page.is_open_for_questions else None,
            **{name: context[name] for name in context_names},
        ),
    )
