"""One-click restore of a tampered page (X04): re-publish the page's last good revision, so
the outbox delivers it again to every channel of the page (the web channel purges the
caches) and the platform serves it as published.

The last good revision is the one the page's fingerprint was taken of, the revision that
was live when the platform last served the page untouched; if the page has gone live with
a newer revision since (its fingerprint not yet re-taken), that live revision. Either went
live through the platform's own publishing, review gate included. The restore saves a copy
of it as the page's newest revision (Wagtail's revert: logged as wagtail.revert) and
publishes that copy.

The review gate (cms.review_gate): in a column with a review workflow nobody publishes
directly. A restore brings back content the workflow already approved, unchanged, so it
publishes the copy inside cms.review_approval.sanctioned() for exactly that page and that
revision, with the reason "restore". Who may: a user with the publish permission on the
page (the 终审 role, which the workflow's final approval itself needs); an editor who can
only write and submit cannot. The content rules of the publish button are not run again:
the content is what was live. A review in progress on a newer draft is cancelled by the
publish, as Wagtail does for every publish; the draft stays in the page's history.

Besides Wagtail's own revert and publish entries, the page's history gets a
monitoring.tamper_restore entry naming the finding; the page's open M17 findings are
resolved (the next scan reopens any that are still there) and its fingerprint re-taken.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from wagtail import hooks
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page

from cms.review_approval import sanctioned

from . import fingerprints
from .models import CheckId, Finding, Fingerprint
from .scope import may_see_site

RESTORE = "restore"
RESTORE_LOG_ACTION = "monitoring.tamper_restore"


class RestoreError(Exception):
    """The page could not be restored; the message says why (in the editor's language)."""


@hooks.register("register_log_actions")
def register_restore_action(actions):
    @actions.register_action(RESTORE_LOG_ACTION)
    class TamperRestore(LogFormatter):
        label = _("Restored after tampering")

        def format_message(self, log_entry):
            return gettext("Restored after tampering: republished the content of revision %(revision)s") % {
                "revision": log_entry.data.get("restored_revision_id", "")
            }


# -- who may ----------------------------------------------------------------------------------


def may_restore(user, page):
    """The role's publish permission on the page, before the review gate (see above)."""
    permissions = page.permissions_for_user(user)
    has_publish_permission = getattr(permissions, "has_publish_permission", permissions.can_publish)
    return has_publish_permission()


# -- restoring --------------------------------------------------------------------------------


def last_good_revision(page):
    """The revision to restore (see the module docstring), or None."""
    fingerprint = Fingerprint.objects.filter(page_id=page.pk).select_related("revision").first()
    revision = fingerprint.revision if fingerprint is not None else None
    if revision is not None and str(revision.object_id) == str(page.pk):
        if page.live_revision_id is None or revision.pk >= page.live_revision_id:
            return revision
    return page.live_revision


def restore_page(page, user, *, finding=None):
    """Re-publish `page`'s last good revision as `user`. Returns the new live revision.
    Raises RestoreError when there is nothing to restore or it no longer validates."""
    page = Page.objects.get(pk=page.pk).specific
    good = last_good_revision(page)
    if good is None:
        raise RestoreError(gettext("There is no published revision of this page to restore."))
    with transaction.atomic():
        restored = good.as_object()
        try:
            revision = restored.save_revision(user=user, log_action=True, previous_revision=good)
        except ValidationError as error:
            raise RestoreError(
                gettext("The revision to restore no longer validates: %(error)s")
                % {"error": "；".join(error.messages)}
            ) from error
        with sanctioned(page.pk, revision.pk, RESTORE):
            revision.publish(user=user, previous_revision=good)
        log(
            instance=restored,
            action=RESTORE_LOG_ACTION,
            user=user,
            revision=revision,
            data={
                "finding_id": finding.pk if finding is not None else None,
                "restored_revision_id": good.pk,
            },
        )
        Finding.objects.filter(check_id=CheckId.M17, page_id=page.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
        fingerprints.take(page)
    return revision


def _site_url(site):
    try:
        return reverse("monitoring:site", args=[site.pk])
    except NoReverseMatch:  # the dashboard's per-site page is not installed
        return "/admin/"


@require_POST
def restore_view(request, finding_id):
    finding = (
        Finding.objects.filter(pk=finding_id, check_id=CheckId.M17, resolved_at__isnull=True)
        .exclude(review=Finding.Review.DISMISSED)
        .select_related("site__root_page")
        .first()
    )
    if finding is None or finding.page_id is None or not may_see_site(request.user, finding.site):
        raise Http404
    page = Page.objects.filter(pk=finding.page_id, live=True).first()
    if page is None:
        raise Http404
    page = page.specific
    if not may_restore(request.user, page):
        # A real 403: the admin's own handling of PermissionDenied would redirect with 200.
        return permission_denied(request, PermissionDenied())
    had_draft = page.has_unpublished_changes
    in_review = page.workflow_in_progress
    try:
        restore_page(page, request.user, finding=finding)
    except RestoreError as error:
        messages.error(request, str(error))
        return redirect(_site_url(finding.site))
    messages.success(request, _("Restored and republished"))
    if had_draft:
        messages.warning(request, _("The page's unpublished changes are kept in its revision history."))
    if in_review:
        messages.warning(
            request, _("The review in progress was cancelled by the republish: submit the changes again.")
        )
    return redirect(_site_url(finding.site))
