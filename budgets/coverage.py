"""G11: which departments have (not) published their budget, final accounts and 三公
figures for a year, against the departments a 预决算公开 column says must publish."""

from dataclasses import dataclass, field

from .tables import Kind


@dataclass
class CoverageRow:
    organisation: object
    budget: object = None  # the DisclosurePage, or None
    final: object = None

    @property
    def sangong(self):
        """三公 is covered when every disclosure present carries its 三公 record."""
        pages = [p for p in (self.budget, self.final) if p is not None]
        return bool(pages) and all(p.sg_total is not None for p in pages)

    @property
    def gaps(self):
        return [
            label
            for label, ok in (("预算", self.budget), ("决算", self.final), ("三公", self.sangong))
            if not ok
        ]


@dataclass
class Coverage:
    year: int
    rows: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.rows)

    def count(self, attribute):
        return sum(1 for row in self.rows if getattr(row, attribute))

    @property
    def budget_count(self):
        return self.count("budget")

    @property
    def final_count(self):
        return self.count("final")

    @property
    def sangong_count(self):
        return self.count("sangong")

    @property
    def complete_count(self):
        return sum(1 for row in self.rows if not row.gaps)


def coverage_of(year, pages, departments):
    """The coverage of `year` from a column's disclosures of that year (`pages`, with their
    organisations) and the departments that should publish; with no list of departments,
    those that have published anything there."""
    pages = list(pages)
    by_department = {}
    for page in pages:
        by_department.setdefault(page.organisation_id, {})[page.kind] = page
    departments = list(departments)
    if not departments:
        seen = {}
        for page in pages:
            seen.setdefault(page.organisation_id, page.organisation)
        departments = sorted(seen.values(), key=lambda org: org.pk)
    rows = [
        CoverageRow(
            organisation=org,
            budget=by_department.get(org.pk, {}).get(Kind.BUDGET),
            final=by_department.get(org.pk, {}).get(Kind.FINAL),
        )
        for org in departments
    ]
    return Coverage(year=year, rows=rows)
