"""Handling a letter (I01): who may see it, and each step from 受理 to publication.

Every step is a function taking the acting user: it checks the user's right (raising
PermissionDenied) and the letter's status (raising HandlingError), saves the letter with
`save()` (so the statistics' post_save receivers see every change) and writes a
LetterEvent. An event's `note` is what the writer's lookup shows; steps the writer need
not know about (a drafted reply, a reply sent back for changes) are in INTERNAL_ACTIONS
and `public_events()` leaves them out.

Who may do what:
- a mailbox manager is a user who may edit the MailboxPage (the page permissions of the
  site's editor groups; superusers everywhere): every step on the mailbox's letters, but
  nobody approves a reply they drafted themselves, and publishing (or unpublishing) the
  letter on the site needs the site's publish permission too (终审), as for any page;
- a handling-unit member (HandlerMembership) sees only the letters currently passed to
  their unit and may only draft their replies.
Nobody sees letters of another site's mailbox.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from cms.slugs import short_slug
from sites.admin_scope import editable_pages

from .mailbox import HandlerMembership, Letter, LetterEvent, LetterPage, LetterStatus, MailboxPage

S = LetterStatus

#: Events the writer's lookup does not show (their notes are for the handlers).
INTERNAL_ACTIONS = frozenset({"drafted", "returned", "unpublished"})

#: The statuses in which a unit member still sees a letter passed to their unit.
UNIT_STATUSES = (S.ASSIGNED, S.REVIEWING, S.REPLIED)

ACTION_LABELS = {
    "submitted": pgettext_lazy("letter handling", "Received"),
    "accepted": pgettext_lazy("letter handling", "Accepted"),
    "rejected": pgettext_lazy("letter handling", "Not accepted"),
    "duplicate": pgettext_lazy("letter handling", "Marked as duplicate"),
    "assigned": pgettext_lazy("letter handling", "Passed on"),
    "drafted": pgettext_lazy("letter handling", "Reply drafted"),
    "returned": pgettext_lazy("letter handling", "Reply sent back"),
    "replied": pgettext_lazy("letter handling", "Replied"),
    "published": gettext_lazy("Published"),
    "unpublished": pgettext_lazy("letter handling", "Unpublished"),
    "evaluated": pgettext_lazy("letter handling", "Evaluated"),
}


class HandlingError(Exception):
    """A step the letter's status does not allow, or input it cannot take (a 400)."""


# -- who may see and do what ----------------------------------------------------------


def is_manager(user, mailbox):
    if not user.is_active:
        return False
    return user.is_superuser or mailbox.permissions_for_user(user).can_edit()


def unit_ids(user):
    return set(HandlerMembership.objects.filter(user=user).values_list("organisation_id", flat=True))


def managed_mailboxes(user):
    """The mailboxes whose letters the user manages."""
    mailboxes = MailboxPage.objects.all()
    if user.is_superuser:
        return mailboxes
    return mailboxes.filter(pk__in=editable_pages(user).values("pk"))


def visible_letters(user):
    """The letters the user may see: their mailboxes' and those passed to their units."""
    if not user.is_active:
        return Letter.objects.none()
    if user.is_superuser:
        return Letter.objects.all()
    return Letter.objects.filter(
        Q(mailbox__in=managed_mailboxes(user).values("pk"))
        | Q(handling_unit__in=unit_ids(user), status__in=UNIT_STATUSES)
    )


def is_unit_member(user, letter):
    return (
        letter.handling_unit_id is not None
        and letter.status in UNIT_STATUSES
        and HandlerMembership.objects.filter(user=user, organisation_id=letter.handling_unit_id).exists()
    )


def may_see(user, letter):
    return is_manager(user, letter.mailbox) or is_unit_member(user, letter)


def allowed_actions(user, letter):
    """The steps this user may take on this letter now (what the admin offers)."""
    manager = is_manager(user, letter.mailbox)
    actions = []
    if manager:
        if letter.status == S.RECEIVED:
            actions += ["accept", "reject", "duplicate"]
        if letter.status in (S.ACCEPTED, S.ASSIGNED):
            actions.append("assign")
        if letter.status == S.REVIEWING:
            if letter.reply_drafted_by_id != user.pk:
                actions.append("approve")
            actions.append("return")
        if letter.status == S.REPLIED and letter.consent_publish and may_publish(user, letter.mailbox):
            actions.append("unpublish" if _is_live(letter) else "publish")
    if letter.status == S.ASSIGNED and (manager or is_unit_member(user, letter)):
        actions.append("draft")
    return actions


def may_publish(user, mailbox):
    """Publishing to the public site is the site's publishers' (终审) right, as for pages."""
    # The mailbox's own publish test: its child type is not creatable by hand, which
    # Wagtail's can_publish_subpage() would read as "nothing may be published here".
    return user.is_active and (user.is_superuser or mailbox.permissions_for_user(user).can_publish())


def _require_publisher(user, letter):
    _require_manager(user, letter)
    if not may_publish(user, letter.mailbox):
        raise PermissionDenied(pgettext("letter handling", "Only the site's publishers may publish letters."))


def _is_live(letter):
    return letter.page_id is not None and LetterPage.objects.filter(pk=letter.page_id, live=True).exists()


def _require_manager(user, letter):
    if not is_manager(user, letter.mailbox):
        raise PermissionDenied(pgettext("letter handling", "You may not handle the letters of this mailbox."))


def _require_status(letter, *statuses):
    if letter.status not in statuses:
        raise HandlingError(
            pgettext("letter handling", "This cannot be done to a letter that is “%(status)s”.")
            % {"status": letter.get_status_display()}
        )


def _record(letter, user, action, note=""):
    letter.save()
    LetterEvent.objects.create(letter=letter, actor=user, action=action, note=note)


def public_events(letter):
    """The events the writer's lookup shows, in order."""
    return letter.events.exclude(action__in=INTERNAL_ACTIONS)


# -- the steps --------------------------------------------------------------------------


@transaction.atomic
def accept(letter, user):
    _require_manager(user, letter)
    _require_status(letter, S.RECEIVED)
    letter.status = S.ACCEPTED
    letter.accepted_at = timezone.now()
    _record(letter, user, "accepted", pgettext("letter handling", "Your letter has been accepted."))


@transaction.atomic
def reject(letter, user, reason):
    _require_manager(user, letter)
    _require_status(letter, S.RECEIVED)
    reason = (reason or "").strip()
    if not reason:
        raise HandlingError(pgettext("letter handling", "Give the reason the writer will see."))
    letter.status = S.REJECTED
    letter.rejection_reason = reason
    _record(letter, user, "rejected", reason)


@transaction.atomic
def mark_duplicate(letter, user, original):
    """The letter repeats `original` (of the same mailbox): it is merged into it and
    counted once."""
    _require_manager(user, letter)
    _require_status(letter, S.RECEIVED)
    original = original.duplicate_of or original  # merge into the first, never a chain
    if original.pk == letter.pk or original.mailbox_id != letter.mailbox_id:
        raise HandlingError(pgettext("letter handling", "Choose another letter of the same mailbox."))
    letter.status = S.DUPLICATE
    letter.duplicate_of = original
    _record(
        letter,
        user,
        "duplicate",
        pgettext("letter handling", "Your letter repeats an earlier one and is handled with it."),
    )


@transaction.atomic
def assign(letter, user, unit):
    """Pass the letter on (转办) to a handling unit; passing it on again is allowed."""
    _require_manager(user, letter)
    _require_status(letter, S.ACCEPTED, S.ASSIGNED)
    letter.status = S.ASSIGNED
    letter.handling_unit = unit
    letter.assigned_at = timezone.now()
    _record(
        letter,
        user,
        "assigned",
        pgettext("letter handling", "Passed to %(unit)s for handling.") % {"unit": unit.name},
    )


@transaction.atomic
def draft_reply(letter, user, text, reply_unit=""):
    if not (is_manager(user, letter.mailbox) or is_unit_member(user, letter)):
        raise PermissionDenied(pgettext("letter handling", "You may not reply to this letter."))
    _require_status(letter, S.ASSIGNED)
    text = (text or "").strip()
    if not text:
        raise HandlingError(pgettext("letter handling", "Write the reply."))
    letter.reply = text
    letter.reply_unit = (reply_unit or "").strip() or (
        letter.handling_unit.name if letter.handling_unit else ""
    )
    letter.reply_drafted_by = user
    letter.status = S.REVIEWING
    _record(letter, user, "drafted")


@transaction.atomic
def approve_reply(letter, user):
    _require_manager(user, letter)
    _require_status(letter, S.REVIEWING)
    if letter.reply_drafted_by_id == user.pk:
        raise PermissionDenied(
            pgettext("letter handling", "Nobody approves a reply they drafted themselves.")
        )
    letter.status = S.REPLIED
    letter.replied_at = timezone.now()
    letter.reply_reviewed_by = user
    _record(letter, user, "replied", pgettext("letter handling", "Your letter has been answered."))


@transaction.atomic
def return_reply(letter, user, note):
    _require_manager(user, letter)
    _require_status(letter, S.REVIEWING)
    note = (note or "").strip()
    if not note:
        raise HandlingError(pgettext("letter handling", "Say what the reply needs."))
    letter.status = S.ASSIGNED
    _record(letter, user, "returned", note)


def mask_name(name):
    """张三 → 张**; no name → 匿名 (the writer's name is never public)."""
    name = (name or "").strip()
    if not name:
        return pgettext("letter handling", "Anonymous")
    return name[0] + "*" * max(len(name) - 1, 1)


@transaction.atomic
def publish_letter(letter, user, title=None, question=None, reply=None):
    """Publish a replied letter whose writer consented, as a live LetterPage under its
    mailbox (through a revision, so page_published fires and the channels deliver it).
    The handler may pass an edited title, letter text and reply (personal data removed)."""
    _require_publisher(user, letter)
    _require_status(letter, S.REPLIED)
    if not letter.consent_publish:
        raise HandlingError(pgettext("letter handling", "The writer did not agree to publication."))
    fields = {
        "title": (title or "").strip() or letter.title,
        "question": (question or "").strip() or letter.content,
        "reply": (reply or "").strip() or letter.reply,
        "category": letter.category,
        "writer": mask_name(letter.name),
        "received_at": letter.submitted_at,
        "replied_at": letter.replied_at,
        "reply_unit": letter.reply_unit or letter.mailbox.organisation.name,
    }
    page = LetterPage.objects.filter(pk=letter.page_id).first() if letter.page_id else None
    if page is None:
        # A short slug like the column's other pages (zxts-12): never the tracking code,
        # which with the password opens the writer's case file.
        page = LetterPage(slug=short_slug(letter.mailbox), **fields)
        letter.mailbox.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.save_revision(user=user).publish(user=user)
    letter.page = page
    _record(
        letter, user, "published", pgettext("letter handling", "Your letter and its reply are published.")
    )
    return page


@transaction.atomic
def unpublish(letter, user):
    _require_publisher(user, letter)
    if not _is_live(letter):
        raise HandlingError(pgettext("letter handling", "This letter is not published."))
    letter.page.unpublish(user=user)
    _record(letter, user, "unpublished")
