"""manage.py a11y_audit: the site's pages in every mode and on WAP, in the browser, plus
the content checks, reported as CSV and HTML; a serious finding fails the command."""

import csv

import pytest
from django.core.management import CommandError, call_command

from accessibility import modes
from cms.models import ArticlePage

from .conftest import WWW

pytestmark = pytest.mark.django_db(transaction=True)


def test_audit_writes_csv_and_html(site, tmp_path):
    # Two modes here: every mode of every page type is audited in test_browser_audit.py.
    call_command(
        "a11y_audit",
        "--site",
        WWW,
        "--output",
        str(tmp_path),
        "--per-type",
        "1",
        "--modes",
        "standard",
        "text",
        "--screenshots",
        str(tmp_path / "shots"),
    )
    with open(tmp_path / "report.csv", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    audited = {(r["url"].split(":", 2)[2].split("/", 1)[1], r["mode"]) for r in rows if r["source"] == "axe"}
    for mode in [modes.STANDARD, modes.TEXT]:
        assert ("", mode) in audited  # the home page in every mode
        assert ("search/?q=政府", mode) in audited
    assert ("wap/", "wap") in audited
    assert {r["status"] for r in rows if r["source"] == "axe"} == {"200"}
    assert [r for r in rows if r["blocking"] == "True"] == []
    shots = sorted(p.name for p in (tmp_path / "shots").iterdir())
    assert shots == ["home-standard.png", "home-text.png", "home-toolbar.png", "home-wap.png"]
    assert all((tmp_path / "shots" / name).read_bytes().startswith(b"\x89PNG") for name in shots)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "无障碍检测报告" in html and '<html lang="zh-Hans">' in html


def test_audit_reports_content_problems_and_fails(site, tmp_path):
    article = ArticlePage.objects.live().order_by("path").first()  # the first the audit takes
    article.body = [
        {"type": "paragraph", "value": '<h4>跳级的标题</h4><p>详见<a href="https://x.cn/">点击这里</a></p>'}
    ]
    article.save_revision().publish()
    with pytest.raises(CommandError, match="严重"):
        call_command(
            "a11y_audit", "--site", WWW, "--output", str(tmp_path), "--per-type", "1", "--modes", "standard"
        )
    with open(tmp_path / "report.csv", encoding="utf-8-sig") as f:
        content = [r for r in csv.DictReader(f) if r["source"] == "content"]
    assert any("标题层级跳跃" in r["description"] and r["blocking"] == "True" for r in content)
    assert any("点击这里" in r["description"] for r in content)


def test_unknown_site_is_a_clear_error():
    with pytest.raises(CommandError, match="没有主机名为 nowhere.localhost 的网站"):
        call_command("a11y_audit", "--site", "nowhere.localhost")
