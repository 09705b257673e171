"""The mailbox's public pages (MailboxPage's routes): the index with the published letters,
writing a letter, and looking it up with the tracking code and password (and evaluating
the reply). All work without JavaScript; every error is a 4xx page in the site's language.

The WAP site shows the same forms in its own layout (interaction/letter_wap.py) and posts
them here with `?wap=1`: the answer then comes back in the WAP layout."""

from django.conf import settings
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cms.paging import page_of

from .forms import sender_key
from .letter_forms import (
    CATEGORY_LABELS,
    SATISFACTION_LABELS,
    EvaluationForm,
    LetterForm,
    LookupForm,
    letter_rate_limited,
    lookup_rate_limited,
)
from .letter_lookup import (
    can_evaluate,
    evaluate,
    evaluation_token,
    find_letter,
    letter_for_token,
    public_status,
    public_trail,
)
from .letter_submission import submit
from .mailbox import Letter, LetterPage, LetterStatus


def _wants_wap(request):
    from .letter_wap import is_wap_request  # WAP helpers only when WAP asks

    return request.GET.get("wap") == "1" or is_wap_request(request)


def _render(request, page, template, context, status=200):
    """The page in the web layout, or in the WAP layout for a form posted from WAP."""
    if _wants_wap(request):
        from .letter_wap import render_form_page

        return render_form_page(request, page, template, context, status)
    full = page.get_context(request)
    full.update(context)
    full["deadlines"] = page.deadlines_text()
    return TemplateResponse(request, f"interaction/{template}", full, status=status)


@require_GET
def mailbox_index(request, page):
    letters = (
        LetterPage.objects.live()
        .child_of(page)
        .only(
            "id",
            "title",
            "slug",
            "url_path",
            "path",
            "depth",
            "category",
            "received_at",
            "replied_at",
            "reply_unit",
        )
        .order_by("-replied_at", "-pk")
    )
    page_obj = page_of(letters, request.GET.get("page"), settings.LETTER_LIST_PAGE_SIZE)
    context = page.get_context(request)
    context.update(
        deadlines=page.deadlines_text(),
        page_obj=page_obj,
        letters=[(letter, CATEGORY_LABELS.get(letter.category, "")) for letter in page_obj.object_list],
        base_url=page.get_url(request),
    )
    return TemplateResponse(request, "interaction/mailbox_page.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def write(request, page):
    base = {"base_url": page.get_url(request), "wap": _wants_wap(request)}
    if not page.accepts_letters:
        return _render(
            request,
            page,
            "letter_write.html",
            {**base, "closed": True},
            403 if request.method == "POST" else 200,
        )
    status = 200
    if request.method == "POST":
        form = LetterForm(request.POST, request.FILES)
        sender = sender_key(request)
        if form.is_valid():
            if letter_rate_limited(sender, page.pk):
                form.add_error(None, _("You are writing too often. Please try again later."))
                status = 429
            else:
                data = form.cleaned_data
                letter, password = submit(
                    page, data, data["attachments"], sender=sender, password=data["password"] or None
                )
                context = {**base, "letter": letter, "password": password}
                return _render(request, page, "letter_written.html", context, 201)
        else:
            status = 400
    else:
        form = LetterForm()
    limit, window = settings.LETTER_RATE
    context = {**base, "form": form, "rate_limit": (limit, window // 60)}
    return _render(request, page, "letter_write.html", context, status)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request, page):
    letters = Letter.objects.filter(mailbox=page)
    base = {"base_url": page.get_url(request), "wap": _wants_wap(request)}
    if request.method != "POST":
        return _render(request, page, "letter_lookup.html", {**base, "form": LookupForm()})
    if lookup_rate_limited(sender_key(request)):
        problem = _("Too many lookups from your address. Please try again later.")
        return _render(
            request, page, "letter_lookup.html", {**base, "form": LookupForm(), "problem": problem}, 429
        )
    if "satisfaction" in request.POST or "token" in request.POST:
        return _evaluate(request, page, letters, base)
    form = LookupForm(request.POST)
    letter = None
    if form.is_valid():
        letter = find_letter(letters, form.cleaned_data["tracking_code"], form.cleaned_data["password"])
    if letter is None:
        # One message for an unknown code and a wrong password: no oracle of valid codes.
        form.add_error(None, _("No letter matches this tracking code and password. Please check them."))
        return _render(request, page, "letter_lookup.html", {**base, "form": form}, 400)
    return _render(request, page, "letter_lookup.html", {**base, **letter_context(letter)})


def _evaluate(request, page, letters, base):
    form = EvaluationForm(request.POST)
    letter = letter_for_token(letters, request.POST.get("token"))
    if letter is None:
        problem = _("The evaluation form has expired. Please look your letter up again.")
        return _render(
            request, page, "letter_lookup.html", {**base, "form": LookupForm(), "problem": problem}, 400
        )
    if not form.is_valid():
        context = {**base, **letter_context(letter, evaluation_form=form)}
        return _render(request, page, "letter_lookup.html", context, 400)
    if not evaluate(letter, form.cleaned_data["satisfaction"]):
        context = {**base, **letter_context(letter)}
        context["notice"] = _("This reply has already been evaluated.")
        return _render(request, page, "letter_lookup.html", context, 400)
    context = {**base, **letter_context(letter)}
    context["notice"] = _("Thank you for your evaluation.")
    return _render(request, page, "letter_lookup.html", context)


def letter_context(letter, evaluation_form=None):
    """What the writer sees of their letter: status, public trail, reason, reply, evaluation."""
    context = {
        "letter": letter,
        "status_label": public_status(letter),
        "category_label": CATEGORY_LABELS.get(letter.category, ""),
        "trail": public_trail(letter),
        "replied": letter.status == LetterStatus.REPLIED,
        "rejected": letter.status == LetterStatus.REJECTED,
        "satisfaction_label": SATISFACTION_LABELS.get(letter.satisfaction, "") if letter.satisfaction else "",
    }
    if can_evaluate(letter):
        context["evaluation_form"] = evaluation_form or EvaluationForm(
            initial={"token": evaluation_token(letter)}
        )
        context["evaluation_token"] = evaluation_token(letter)
    return context
