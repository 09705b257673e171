"""Handling letters in the admin (信件办理): the list of the letters a user may see with
their deadline flags, a letter's page with its history and the steps the user may take,
the dashboard panel of letters overdue or due soon (the admin notification), and the
handling units' members as a snippet.

Every view finds the letter among `handling.visible_letters(user)` (another site's letter
is a 404), and every POST goes through the step's own function in interaction.handling,
which checks the user's role (403) and the letter's status (400): a forged POST never
reaches the database unchecked and never ends in a 500.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.snippets import Organisation

from . import deadlines, handling
from .mailbox import HandlerMembership, Letter, LetterStatus

PAGE_SIZE = 30
PANEL_SIZE = 20


# -- forms --------------------------------------------------------------------------------


class FilterForm(forms.Form):
    DUE_CHOICES = [
        ("", gettext_lazy("All")),
        ("overdue", pgettext_lazy("letter handling", "Overdue")),
        ("soon", pgettext_lazy("letter handling", "Due soon")),
        ("hard_line", pgettext_lazy("letter handling", "Near or past the 3-month line")),
    ]
    mailbox = forms.ModelChoiceField(
        queryset=None, required=False, label=pgettext_lazy("letter handling", "Mailbox")
    )
    status = forms.ChoiceField(
        choices=[("", gettext_lazy("All"))] + LetterStatus.choices,
        required=False,
        label=gettext_lazy("Status"),
    )
    due = forms.ChoiceField(
        choices=DUE_CHOICES, required=False, label=pgettext_lazy("letter handling", "Deadline")
    )
    unit = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        label=pgettext_lazy("letter handling", "Handling unit"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mailbox"].queryset = handling.managed_mailboxes(user).order_by("path")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("letter handling", "Reason (the writer sees it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DuplicateForm(forms.Form):
    original = forms.CharField(
        label=pgettext_lazy("letter handling", "Tracking code of the earlier letter"), max_length=20
    )


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Organisation.objects.all(), label=pgettext_lazy("letter handling", "Handling unit")
    )


class DraftForm(forms.Form):
    reply = forms.CharField(
        label=pgettext_lazy("letter handling", "Reply"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    reply_unit = forms.CharField(
        label=pgettext_lazy("letter handling", "Replying unit"), max_length=100, required=False
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=pgettext_lazy("letter handling", "What the reply needs"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("letter handling", "Public title"), max_length=100)
    question = forms.CharField(
        label=pgettext_lazy("letter handling", "Public text of the letter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    reply = forms.CharField(
        label=pgettext_lazy("letter handling", "Reply"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class EmptyForm(forms.Form):
    pass


def _duplicate(letter, user, data):
    original = Letter.objects.filter(mailbox=letter.mailbox, tracking_code=data["original"].strip()).first()
    if original is None:
        raise handling.HandlingError(
            pgettext("letter handling", "No letter of this mailbox has that tracking code.")
        )
    handling.mark_duplicate(letter, user, original)


# Each step: its form and how it is done with the form's data.
ACTIONS = {
    "accept": (EmptyForm, lambda letter, user, data: handling.accept(letter, user)),
    "reject": (RejectForm, lambda letter, user, data: handling.reject(letter, user, data["reason"])),
    "duplicate": (DuplicateForm, _duplicate),
    "assign": (AssignForm, lambda letter, user, data: handling.assign(letter, user, data["unit"])),
    "draft": (
        DraftForm,
        lambda letter, user, data: handling.draft_reply(letter, user, data["reply"], data["reply_unit"]),
    ),
    "approve": (EmptyForm, lambda letter, user, data: handling.approve_reply(letter, user)),
    "return": (ReturnForm, lambda letter, user, data: handling.return_reply(letter, user, data["note"])),
    "publish": (
        PublishForm,
        lambda letter, user, data: handling.publish_letter(
            letter, user, title=data["title"], question=data["question"], reply=data["reply"]
        ),
    ),
    "unpublish": (EmptyForm, lambda letter, user, data: handling.unpublish(letter, user)),
}

ACTION_LABELS = {
    "accept": pgettext_lazy("letter handling", "Accept"),
    "reject": pgettext_lazy("letter handling", "Do not accept"),
    "duplicate": pgettext_lazy("letter handling", "Mark as duplicate"),
    "assign": pgettext_lazy("letter handling", "Pass on to a handling unit"),
    "draft": pgettext_lazy("letter handling", "Draft the reply"),
    "approve": pgettext_lazy("letter handling", "Approve the reply"),
    "return": pgettext_lazy("letter handling", "Send the reply back"),
    "publish": pgettext_lazy("letter handling", "Publish"),
    "unpublish": pgettext_lazy("letter handling", "Unpublish"),
}


def _initial(action, letter):
    if action == "draft":
        return {
            "reply": letter.reply,
            "reply_unit": letter.reply_unit or getattr(letter.handling_unit, "name", ""),
        }
    if action == "publish":
        return {"title": letter.title, "question": letter.content, "reply": letter.reply}
    if action == "assign":
        return {"unit": letter.handling_unit_id}
    return {}


# -- views ----------------------------------------------------------------------------------


def _letter(request, pk):
    letter = handling.visible_letters(request.user).filter(pk=pk).select_related("mailbox").first()
    if letter is None:
        raise Http404(pgettext("letter handling", "No such letter, or not one of yours."))
    return letter


def _with_flags(letters, today):
    return [(letter, deadlines.flags(letter, today)) for letter in letters]


@require_http_methods(["GET", "HEAD"])
def letters_index(request):
    today = timezone.localdate()
    form = FilterForm(request.GET or None, user=request.user)
    letters = handling.visible_letters(request.user).select_related("mailbox", "handling_unit")
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            if data["mailbox"]:
                letters = letters.filter(mailbox=data["mailbox"])
            if data["status"]:
                letters = letters.filter(status=data["status"])
            if data["unit"]:
                letters = letters.filter(handling_unit=data["unit"])
            if data["due"] == "overdue":
                letters = letters.filter(deadlines.overdue_q(today) | deadlines.hard_line_overdue_q(today))
            elif data["due"] == "soon":
                letters = letters.filter(deadlines.due_soon_q(today))
            elif data["due"] == "hard_line":
                letters = letters.filter(deadlines.hard_line_warning_q(today))
        else:
            status = 400
            letters = letters.none()
    page = Paginator(letters.order_by("-submitted_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "interaction/admin/letters_index.html",
        {
            "page_title": pgettext("letter handling", "Letter handling"),
            "form": form,
            "page": page,
            "rows": _with_flags(page.object_list, today),
            "query": query.urlencode(),
        },
        status=status,
    )


def _detail_response(request, letter, forms_by_action=None, error=None, status=200):
    user = request.user
    forms_by_action = forms_by_action or {}
    actions = [
        (
            action,
            ACTION_LABELS[action],
            forms_by_action.get(action)
            or ACTIONS[action][0](initial=_initial(action, letter), prefix=action),
        )
        for action in handling.allowed_actions(user, letter)
    ]
    events = letter.events.select_related("actor")
    return TemplateResponse(
        request,
        "interaction/admin/letter_detail.html",
        {
            "page_title": letter.title,
            "letter": letter,
            "flags": deadlines.flags(letter, timezone.localdate()),
            "manager": handling.is_manager(user, letter.mailbox),
            "actions": actions,
            "events": [(event, handling.ACTION_LABELS.get(event.action, event.action)) for event in events],
            "internal_actions": handling.INTERNAL_ACTIONS,
            "attachments": list(letter.attachments.all()),
            "yes_no": pgettext("letter handling", "Yes,No"),
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD"])
def letter_detail(request, pk):
    return _detail_response(request, _letter(request, pk))


@require_http_methods(["GET", "HEAD"])
def letter_attachment(request, pk, attachment_pk):
    """An attachment of a letter the user may see, as a download. The admin links here,
    never to the file's storage address: a writer's files are private."""
    letter = _letter(request, pk)
    attachment = letter.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404(pgettext("letter handling", "No such attachment."))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@require_POST
def letter_action(request, pk, action):
    letter = _letter(request, pk)
    if action not in ACTIONS:
        raise Http404(pgettext("letter handling", "No such step."))
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        return _detail_response(
            request,
            letter,
            {action: form},
            pgettext("letter handling", "Please correct the errors below."),
            status=400,
        )
    try:
        run(letter, request.user, form.cleaned_data)
    except PermissionDenied as denied:
        letter.refresh_from_db()
        message = str(denied) or pgettext("letter handling", "You may not do this.")
        return _detail_response(request, letter, error=message, status=403)
    except handling.HandlingError as problem:
        letter.refresh_from_db()
        return _detail_response(request, letter, {action: form}, str(problem), status=400)
    messages.success(
        request, pgettext("letter handling", "%(step)s: done.") % {"step": ACTION_LABELS[action]}
    )
    if not handling.may_see(request.user, letter):
        return redirect("interaction_letters")
    return redirect("interaction_letter", letter.pk)


# -- the dashboard panel ------------------------------------------------------------------


def pressing_letters(user, today):
    """The user's letters overdue, due soon or near their hard line, most urgent first."""
    letters = handling.visible_letters(user).filter(
        deadlines.overdue_q(today) | deadlines.due_soon_q(today) | deadlines.hard_line_warning_q(today)
    )
    letters = letters.select_related("mailbox").order_by("reply_due", "submitted_at", "pk")[: PANEL_SIZE + 1]
    return _with_flags(letters, today)


class LettersPanel(Component):
    name = "letters_due"
    template_name = "interaction/admin/letters_panel.html"
    order = 60

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        rows = pressing_letters(self.user, timezone.localdate())
        context.update({"rows": rows[:PANEL_SIZE], "cut": len(rows) > PANEL_SIZE})
        return context


def handles_letters(user):
    return user.is_active and (
        user.is_superuser
        or HandlerMembership.objects.filter(user=user).exists()
        or handling.managed_mailboxes(user).exists()
    )


@hooks.register("construct_homepage_panels")
def letters_panel(request, panels):
    if handles_letters(request.user):
        panels.append(LettersPanel(request.user))


# -- wiring -------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def letter_admin_urls():
    return [
        path("letters/", letters_index, name="interaction_letters"),
        path("letters/<int:pk>/", letter_detail, name="interaction_letter"),
        path(
            "letters/<int:pk>/attachments/<int:attachment_pk>/",
            letter_attachment,
            name="interaction_letter_attachment",
        ),
        path("letters/<int:pk>/<str:action>/", letter_action, name="interaction_letter_action"),
    ]


class LettersMenuItem(MenuItem):
    def is_shown(self, request):
        return handles_letters(request.user)


@hooks.register("register_admin_menu_item")
def letters_menu_item():
    return LettersMenuItem(
        pgettext_lazy("letter handling", "Letter handling"),
        reverse("interaction_letters"),
        icon_name="mail",
        order=310,
    )


class HandlerMembershipViewSet(SnippetViewSet):
    """The handling units' members: superusers, and the site administrators they grant the
    model's permissions to, add and remove them."""

    model = HandlerMembership
    icon = "group"
    list_display = ["user", "organisation"]
    list_filter = ["organisation"]
    copy_view_enabled = False


register_snippet(HandlerMembershipViewSet)
