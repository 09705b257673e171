"""The WAP renderings (手机版) of consultations (意见征集) and surveys (网上调查).

The WAP site reaches these views through `wap_view` (cms.items) and lends them its
helpers (channels.wap.views.Wap, parts, page_status; channels.wap.body for the chunks). The
data is the full version's (the pages' get_context, which reads comments only through
`public_comments()` and a survey's results only once it has closed); commenting and
answering are done on the full version, which works without JavaScript."""

from django.shortcuts import render
from django.template.loader import render_to_string

from channels.wap import body
from channels.wap.views import page_status, parts


def _record_view(request, wap, page, record_template, template, action_anchor):
    context = page.get_context(request)
    record = render_to_string(record_template, {**context, "page": page}, request=request)
    page_obj, part = parts(request, body.rich_text_chunks(record, request.get_host()))
    return render(
        request,
        template,
        wap.context(
            page,
            part=part,
            page_obj=page_obj,
            page_status=page_status(wap, page_obj),
            phase=context["phase"],
            action_url=page.get_url(request) + action_anchor if page.is_open() else None,
        ),
    )


def consultation_view(request, wap, page):
    """A consultation: phase, period and summary open page 1; the feedback (once closed),
    the draft's articles with their approved comments follow over server-side pages."""
    return _record_view(
        request, wap, page, "wap/_consultation_record.html", "wap/consultation.html", "#comment"
    )


def survey_view(request, wap, page):
    """A survey: phase, period and summary; its questions while open (answered on the full
    version), the results and the feedback once closed."""
    return _record_view(request, wap, page, "wap/_survey_record.html", "wap/survey.html", "#survey")
