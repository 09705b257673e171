"""Public endpoints of an interview: the live text as JSON for the page's polling script,
and the question form's submission (which works without JavaScript)."""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import QuestionForm, rate_limited, sender_key
from .interviews import Interview, Question

MAX_ENTRIES = 200
# Page ids are 32-bit integers in the database (Wagtail's), entry ids 64-bit: a larger
# id (the URL takes any digits) names nothing and the database would refuse it.
MAX_ID = 2**31 - 1
MAX_ENTRY_ID = 2**63 - 1


def _live_interview(page_id):
    if page_id > MAX_ID:
        raise Http404
    # Specific: a broadcast (an interview's subtype) is shown with its own template.
    return get_object_or_404(Interview.objects.live(), pk=page_id).specific


@require_GET
@never_cache
def live_json(request, page_id):
    """Entries after ?after=<id>, in order, with the approved questions and the status."""
    interview = _live_interview(page_id)
    after = request.GET.get("after", "0")
    # isascii(): "²" and other Unicode digits pass isdigit() but not int().
    if not (after.isascii() and after.isdigit()) or len(after) > 19 or int(after) > MAX_ENTRY_ID:
        return JsonResponse({"error": "after 参数应为非负整数。"}, status=400)
    entries = interview.entries.filter(pk__gt=int(after)).order_by("posted_at", "pk")[:MAX_ENTRIES]
    return JsonResponse(
        {
            "status": interview.status,
            "status_label": str(interview.status_label),
            "entries": [entry.as_json() for entry in entries],
            "questions": [q.as_json() for q in Question.objects.public().filter(interview=interview)],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
def ask(request, page_id):
    interview = _live_interview(page_id)
    if not interview.is_open_for_questions:
        raise Http404
    form = QuestionForm(request.POST, interview=interview)
    sender = sender_key(request)
    status = 200
    if form.is_valid():
        if rate_limited(sender, interview.pk):
            form.add_error(None, _("You are asking too often. Please try again later."))
            status = 429
        else:
            Question.objects.create(
                interview=interview,
                nickname=form.cleaned_data["nickname"],
                text=form.cleaned_data["text"],
                sender=sender,
            )
            return redirect(interview.url + "?asked=1#ask")
    else:
        status = 400
    context = interview.get_context(request)
    context["form"] = form
    return TemplateResponse(request, interview.get_template(request), context, status=status)
