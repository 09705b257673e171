"""M20: the scorecard's veto lines, early warnings and capped deductions, from a scan's
figures and the site's open findings (monitoring/scoring.py)."""

import itertools

import pytest
from django.utils import timezone

from monitoring.models import CheckId, Finding
from monitoring.scan import ScanContext
from monitoring.scoring import scorecard
from tests.factories import make_site


@pytest.fixture
def site():
    return make_site("www.score.localhost").site


_keys = itertools.count()


def finding(site, check_id, n=1, **fields):
    for _ in range(n):
        Finding.objects.create(
            site=site, check_id=check_id, key=f"{check_id}-{next(_keys)}", title="t", **fields
        )


def card(site, **figures):
    ctx = ScanContext(site)
    ctx.figures.update(figures)
    return scorecard(site, ctx)


def checks(lines):
    return [(line["check"], line["key"]) for line in lines]


def test_a_clean_site_scores_100_and_passes(site):
    result = card(site, M01={"probes": 48, "failures": 0, "rate": 0.0, "days": 7}, M03={"days": 2})
    assert result == {
        "score": 100.0,
        "passed": True,
        "vetoes": [],
        "warnings": [],
        "deductions": [],
        "figures": {"M01": {"probes": 48, "failures": 0, "rate": 0.0, "days": 7}, "M03": {"days": 2}},
        "open_findings": {},
    }


@pytest.mark.parametrize(
    ("rate", "veto", "warning"),
    [
        (0.02, False, False),
        (0.03, False, True),
        (0.049, False, True),
        (0.05, True, False),
        (1.0, True, False),
    ],
)
def test_availability_warns_at_3_percent_and_vetoes_at_5(site, rate, veto, warning):
    result = card(site, M01={"probes": 100, "failures": int(rate * 100), "rate": rate, "days": 7})
    assert bool(result["vetoes"]) is veto
    assert bool(result["warnings"]) is warning
    assert result["passed"] is not veto


@pytest.mark.parametrize(
    ("days", "veto", "warning"), [(9, False, False), (10, False, True), (14, True, False)]
)
def test_homepage_warns_at_10_days_and_vetoes_at_14(site, days, veto, warning):
    result = card(site, M03={"days": days})
    assert checks(result["vetoes"]) == ([("M03", "veto:M03")] if veto else [])
    assert checks(result["warnings"]) == ([("M03", "warning:M03")] if warning else [])


def test_a_homepage_without_any_visible_date_is_vetoed(site):
    assert checks(card(site, M03={"days": None})["vetoes"]) == [("M03", "veto:M03")]


def test_stale_columns_count_against_m07_and_m08(site):
    finding(site, CheckId.M06, 3, evidence={"key_column": True})
    result = card(site, M06={"stale": 3})
    assert checks(result["warnings"]) == [("M06", "warning:M07")]
    finding(site, CheckId.M06, 2, evidence={"key_column": True})
    finding(site, CheckId.M06, 3, evidence={"key_column": False})
    result = card(site, M06={"stale": 8})
    assert checks(result["vetoes"]) == [("M06", "veto:M07")]
    assert checks(result["warnings"]) == [("M06", "warning:M08")]
    finding(site, CheckId.M06, 2, evidence={"key_column": False})
    assert checks(card(site, M06={"stale": 10})["vetoes"]) == [("M06", "veto:M07"), ("M06", "veto:M08")]


def test_blank_columns_warn_above_2_and_veto_at_5(site):
    finding(site, CheckId.M09, 2)
    assert card(site, M09={"blank": 2})["warnings"] == []
    finding(site, CheckId.M09, 1)
    assert checks(card(site, M09={"blank": 3})["warnings"]) == [("M09", "warning:M09")]
    finding(site, CheckId.M09, 2)
    assert checks(card(site, M09={"blank": 5})["vetoes"]) == [("M09", "veto:M09")]


def test_unanswered_letters_veto_and_letters_near_the_line_warn(site):
    result = card(site, M11={"overdue": 0, "near_line": 2})
    assert checks(result["warnings"]) == [("M11", "warning:M11")] and result["vetoes"] == []
    finding(site, CheckId.M11)
    assert checks(card(site, M11={"overdue": 1, "near_line": 2})["vetoes"]) == [("M11", "veto:M11")]


def test_a_tampered_page_fails_the_site_and_a_new_one_is_a_new_alert_key(site):
    finding(site, CheckId.M17)
    first = card(site)["vetoes"]
    finding(site, CheckId.M17)
    second = card(site)["vetoes"]
    assert [line["check"] for line in first] == [line["check"] for line in second] == ["M17"]
    assert first[0]["key"] != second[0]["key"]


def test_deductions_are_capped_and_count_only_what_counts(site):
    finding(site, CheckId.M13, 30, certainty=Finding.Certainty.CERTAIN)
    finding(site, CheckId.M13, 5, certainty=Finding.Certainty.SUSPECTED)
    finding(site, CheckId.M16, 4, review=Finding.Review.PENDING)
    finding(site, CheckId.M16, 2, review=Finding.Review.CONFIRMED)
    finding(site, CheckId.M16, 9, review=Finding.Review.DISMISSED)
    finding(site, CheckId.M09, 1, resolved_at=timezone.now())
    result = card(site)
    lost = {row["check"]: (row["count"], row["points"]) for row in result["deductions"]}
    # 30 certain broken links × 0.5 = 15, capped at 10; suspected ones cost nothing;
    # only confirmed wording problems cost; a resolved blank column costs nothing.
    assert lost == {"M13": (30, 10), "M16": (2, 2)}
    assert result["score"] == 88.0 and result["passed"] is True


def test_below_60_points_fails_without_a_veto(site, settings):
    settings.MONITOR_DEDUCTIONS = {"M13": (10, 50)}
    finding(site, CheckId.M13, 5, certainty=Finding.Certainty.CERTAIN)
    result = card(site)
    assert result["vetoes"] == [] and result["score"] == 50.0 and result["passed"] is False
