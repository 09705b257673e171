"""Public endpoints of consultations and surveys: posting a comment on a draft and
answering a survey. Both are plain form posts (no JavaScript); a refused post renders the
page again with the form's errors and a 4xx status, a closed one says so."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .consultation_forms import CommentForm, SurveyForm
from .consultations import ConsultationComment, ConsultationPage, Phase
from .forms import over_limit, sender_key
from .surveys import SurveyPage, SurveyResponse

# Page ids are 32-bit integers in the database: a larger id names nothing.
MAX_ID = 2**31 - 1
SURVEY_COOKIE_SALT = "interaction.survey-answered"
SURVEY_COOKIE_AGE = 365 * 24 * 60 * 60


def _live(model, page_id):
    if page_id > MAX_ID:
        raise Http404
    return get_object_or_404(model.objects.live(), pk=page_id)


def _render(request, page, status, **extra):
    context = page.get_context(request)
    context.update(extra)
    return TemplateResponse(request, page.get_template(request), context, status=status)


def survey_cookie_name(page):
    return f"survey-{page.pk}"


def answered_token(request, page):
    """The token of this browser's earlier response to `page`, if its cookie is genuine."""
    return request.get_signed_cookie(survey_cookie_name(page), default=None, salt=SURVEY_COOKIE_SALT)


@require_POST
def comment(request, page_id):
    page = _live(ConsultationPage, page_id)
    phase = page.phase()
    if phase != Phase.OPEN:
        message = (
            _("This consultation has closed.")
            if phase == Phase.CLOSED
            else _("This consultation is not open yet.")
        )
        return _render(request, page, 403, closed_message=message)
    form = CommentForm(request.POST, page=page)
    if not form.is_valid():
        return _render(request, page, 400, form=form)
    sender = sender_key(request)
    if over_limit(f"consultation-comments:{page.pk}:{sender}", settings.CONSULTATION_COMMENT_RATE):
        form.add_error(None, _("You are commenting too often. Please try again later."))
        return _render(request, page, 429, form=form)
    ConsultationComment(
        page=page,
        anchor=form.cleaned_data["anchor"],
        nickname=form.cleaned_data["nickname"],
        text=form.cleaned_data["text"],
        sender=sender,
    ).save()
    return redirect(page.url + "?commented=1#comment")


@require_POST
def respond(request, page_id):
    page = _live(SurveyPage, page_id)
    phase = page.phase()
    if phase != Phase.OPEN:
        message = _("This survey has closed.") if phase == Phase.CLOSED else _("This survey is not open yet.")
        return _render(request, page, 403, closed_message=message)
    if answered_token(request, page):
        return _render(
            request, page, 409, closed_message=_("You have already taken part in this survey. Thank you.")
        )
    form = SurveyForm(request.POST, page=page)
    if not form.is_valid():
        return _render(request, page, 400, form=form)
    sender = sender_key(request)
    if over_limit(f"survey-responses:{page.pk}:{sender}", settings.SURVEY_RESPONSE_RATE):
        form.add_error(None, _("Too many responses from your network address. Please try again later."))
        return _render(request, page, 429, form=form)
    token = secrets.token_hex(16)
    try:
        with transaction.atomic():
            SurveyResponse(page=page, answers=form.answers(), token=token, sender=sender).save()
    except IntegrityError:  # a token collision: practically never; refuse rather than merge
        return _render(request, page, 409, closed_message=_("Please try again."))
    response = redirect(page.url + "?answered=1#survey")
    response.set_signed_cookie(
        survey_cookie_name(page),
        token,
        salt=SURVEY_COOKIE_SALT,
        max_age=SURVEY_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
