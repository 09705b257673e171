"""Keeping what a scan found: a problem seen again stays one Finding (its evidence and
last-seen time refreshed, a person's review kept), a problem no longer seen by a check that
ran to the end is resolved, and one that comes back is reopened. A dismissed finding stays
dismissed while it is seen again: the person's judgement is remembered (M16)."""

from django.db import transaction
from django.db.models import Q

from .models import Finding


def open_findings(site, check_id=None):
    """The site's problems a person has not dismissed and no scan has resolved."""
    rows = Finding.objects.filter(site=site, resolved_at__isnull=True).exclude(
        review=Finding.Review.DISMISSED
    )
    if check_id is not None:
        rows = rows.filter(check_id=check_id)
    return rows


@transaction.atomic
def keep(ctx, scan):
    now = ctx.now
    seen = {}
    for report in ctx.reports:
        seen[(report.check_id, report.key)] = report
    existing = {
        (row.check_id, row.key): row
        for row in Finding.objects.filter(site=ctx.site).filter(
            Q(check_id__in={check for check, _ in seen}) | Q(check_id__in=ctx.completed)
        )
    }
    new = []
    for identity, report in seen.items():
        row = existing.get(identity)
        values = {
            "certainty": report.certainty,
            "title": report.title,
            "url": report.url[:1000],
            "page_id": report.page_id,
            "evidence": report.evidence,
            "last_seen_at": now,
        }
        if row is None:
            new.append(
                Finding(site=ctx.site, check_id=report.check_id, key=report.key, first_seen_at=now, **values)
            )
            continue
        for name, value in values.items():
            setattr(row, name, value)
        if row.resolved_at is not None:
            # It came back: a new problem as far as review goes, unless it was dismissed.
            row.resolved_at = None
            if row.review == Finding.Review.CONFIRMED:
                row.review = Finding.Review.PENDING
        row.save()
    Finding.objects.bulk_create(new)
    gone = [
        row.pk
        for identity, row in existing.items()
        if identity not in seen and row.check_id in ctx.completed and row.resolved_at is None
    ]
    Finding.objects.filter(pk__in=gone).update(resolved_at=now)
