"""Disclosure metadata (G01, G02, P12): 索引号 allocation and validity of documents."""

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy

from .snippets import format_index_number


class Validity(models.TextChoices):
    """P12: the status of a policy document."""

    NONE = "", "不适用"
    VALID = "valid", "有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已失效"


# The validity as public pages and the app API say it, in the reader's language (the
# choices' labels are the editors' Chinese).
VALIDITY_LABELS = {
    Validity.VALID: gettext_lazy("Valid"),
    Validity.AMENDED: gettext_lazy("Amended"),
    Validity.REPEALED: gettext_lazy("Repealed"),
    Validity.EXPIRED: gettext_lazy("Expired"),
}


# 已废止 and 已失效 documents are no longer in force; an amended one (已修改) still is, as
# amended, and items without a validity (not policy documents) are not filtered.
NOT_IN_FORCE = (Validity.REPEALED, Validity.EXPIRED)


def in_force(queryset):
    """P12: leave out documents no longer in force. Lists, search and the API call this
    (or filter on `validity__in=NOT_IN_FORCE` themselves) when asked for valid ones only."""
    return queryset.exclude(validity__in=NOT_IN_FORCE)


class IndexSequence(models.Model):
    """The last 索引号 serial an organisation issued in a year."""

    organisation = models.ForeignKey("cms.Organisation", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("Index number sequence")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="one_sequence_per_year")]


def allocate_index_number(organisation, year):
    """Issue the next 索引号 of `organisation` for `year`.

    The UPDATE takes the row lock first (PostgreSQL) or the write lock (SQLite with
    IMMEDIATE transactions), so two items published at the same moment never share a
    serial; a first-of-the-year race on the INSERT retries as an UPDATE.
    """
    with transaction.atomic():
        rows = IndexSequence.objects.filter(organisation=organisation, year=year)
        if not rows.update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    IndexSequence.objects.create(organisation=organisation, year=year, last=1)
            except IntegrityError:
                rows.update(last=F("last") + 1)
        seq = rows.values_list("last", flat=True).get()
    return format_index_number(organisation.index_pattern, code=organisation.credit_code, year=year, seq=seq)
