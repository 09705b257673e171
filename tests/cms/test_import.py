"""manage.py import_items: good, bad and repeated files, --dry-run, --draft."""

import json
import re
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.signals import page_published

from cms.disclosure import IndexSequence
from cms.models import ArticleAttachment, ArticlePage, SubjectCategory
from cms.sanitize import sanitize_html
from tests.factories import make_article, make_column, make_organisation, make_site, make_user

pytestmark = pytest.mark.django_db

ORG_CODE = "11431000006148213X"


@pytest.fixture
def cluster():
    www = make_site(hostname="www.test.localhost", name="测试市人民政府")
    county = make_site(hostname="bh.test.localhost", name="北湖区人民政府")
    news = make_column(www.home, title="工作动态", slug="gzdt")
    xxgk = make_column(www.home, title="政府信息公开", slug="xxgk")
    policy = make_column(xxgk, title="政策文件", slug="zcwj")
    county_news = make_column(county.home, title="北湖动态", slug="bhdt")
    org = make_organisation(name="测试市人民政府办公室", code=ORG_CODE)
    category = SubjectCategory.objects.create(name="综合政务", code="01")
    return {
        "www": www,
        "county": county,
        "news": news,
        "policy": policy,
        "county_news": county_news,
        "org": org,
        "category": category,
    }


def item(n, **fields):
    data = {
        "external_id": f"legacy-{n}",
        "site": "www.test.localhost",
        "column": "gzdt",
        "title": f"郴州市召开政府网站建设工作会议（{n}）",
        "body_html": "<p>会议要求进一步加强政府网站建设。</p>",
        "published_at": "2014-03-05T09:30:00",
    }
    data.update(fields)
    return data


def write(tmp_path, *lines, name="items.jsonl"):
    """Each line is a dict (dumped as JSON) or a raw string written as it is."""
    path = tmp_path / name
    text = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    path.write_text(text + "\n", encoding="utf-8")
    return path


def run(path, *args):
    """Run the command; returns (stdout, stderr, exit status)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_items", str(path), *args, stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        err.write(str(exc))
        status = exc.returncode
    return out.getvalue(), err.getvalue(), status


@pytest.fixture
def published_signals():
    received = []

    def receiver(sender, instance, **kwargs):
        received.append(instance.external_id)

    page_published.connect(receiver, sender=ArticlePage)
    yield received
    page_published.disconnect(receiver, sender=ArticlePage)


def test_good_file_creates_published_articles_in_their_columns(cluster, tmp_path, published_signals):
    full = item(
        1,
        summary="会议部署了2014年政府网站工作。",
        source="郴州市人民政府办公室",
        author="李明",
        organisation=ORG_CODE,
        doc_number="郴政办函〔2014〕82号",
        written_at="2014-03-01",
        category="综合政务",
        attachments=[
            {"title": "会议纪要.doc", "url": "http://www.czs.gov.cn/files/2014/jiyao.doc"},
            {"title": "附表", "url": "https://www.czs.gov.cn/files/2014/fubiao.xls"},
        ],
        body_html=(
            '<p onclick="steal()">第一段<script>alert(1)</script>'
            '<a href="javascript:alert(2)">坏链接</a><a href="http://www.gov.cn/">中国政府网</a></p>'
            '<iframe src="http://evil.example/"></iframe><style>p{color:red}</style>'
            '<table><tr><td colspan="2">预算</td></tr></table><img src="/img/a.png" alt="图" onerror="x()">'
        ),
    )
    nested = item(2, column="xxgk/zcwj", published_at="2014-04-01T08:00:00+00:00")
    county = item(3, site="bh.test.localhost", column="/bhdt/")
    out, err, status = run(write(tmp_path, full, nested, county))

    assert status == 0, err
    assert "新建 3 条，更新 0 条，失败 0 条" in out
    pages = {p.external_id: p for p in ArticlePage.objects.all()}
    assert set(pages) == {"legacy-1", "legacy-2", "legacy-3"}
    assert all(p.live and not p.has_unpublished_changes for p in pages.values())
    assert pages["legacy-1"].get_parent().pk == cluster["news"].pk
    assert pages["legacy-2"].get_parent().pk == cluster["policy"].pk
    assert pages["legacy-3"].get_parent().pk == cluster["county_news"].pk
    # Published through Wagtail's revision path: the signal fired once per item.
    assert sorted(published_signals) == ["legacy-1", "legacy-2", "legacy-3"]

    page = pages["legacy-1"]
    assert page.title == "郴州市召开政府网站建设工作会议（1）"
    assert page.summary == "会议部署了2014年政府网站工作。"
    assert page.source == "郴州市人民政府办公室"
    assert page.author == "李明"
    assert page.doc_number == "郴政办函〔2014〕82号"
    assert page.written_at == date(2014, 3, 1)
    assert page.category == cluster["category"]
    assert page.organisation == cluster["org"]
    assert page.index_number == f"{ORG_CODE}/2014-00001"
    assert pages["legacy-2"].index_number is None  # no organisation, no 索引号
    # Naive times are Asia/Shanghai; explicit offsets are kept.
    assert page.published_at == datetime(2014, 3, 5, 1, 30, tzinfo=UTC)
    assert pages["legacy-2"].published_at == datetime(2014, 4, 1, 8, 0, tzinfo=UTC)
    assert [(a.title, a.url) for a in ArticleAttachment.objects.filter(page=page).order_by("sort_order")] == [
        ("会议纪要.doc", "http://www.czs.gov.cn/files/2014/jiyao.doc"),
        ("附表", "https://www.czs.gov.cn/files/2014/fubiao.xls"),
    ]

    assert [block.block_type for block in page.body] == ["paragraph"]
    html = page.body[0].value.source
    assert "第一段" in html and '<a href="http://www.gov.cn/">中国政府网</a>' in html
    assert '<td colspan="2">预算</td>' in html and '<img src="/img/a.png" alt="图">' in html
    for forbidden in (
        "<script",
        "alert",
        "onclick",
        "onerror",
        "javascript:",
        "<iframe",
        "<style",
        "color:red",
    ):
        assert forbidden not in html
    # The rendered page carries the sanitised body.
    response = page.serve(_request(cluster["www"].site))
    response.render()
    assert "中国政府网" in response.content.decode()


def _request(site):
    request = RequestFactory().get("/", HTTP_HOST=site.hostname)
    request.user = AnonymousUser()
    return request


def test_bad_lines_are_reported_by_number_and_good_lines_still_import(cluster, tmp_path):
    lines = [
        item(1),  # 1: good
        item(2, site="nosuch.localhost"),  # 2
        item(3, column="xxgk/nosuch"),  # 3
        '{"external_id": "legacy-4", "title": ',  # 4: malformed JSON
        '["not", "an", "object"]',  # 5
        {k: v for k, v in item(6).items() if k != "title"},  # 6: missing title
        item(7, title="   "),  # 7: blank title
        {k: v for k, v in item(8).items() if k != "external_id"},  # 8
        item(9, title="长" * 256),  # 9: oversized title
        item(10, summary="要" * 501, source="源" * 101, author="作" * 51, doc_number="号" * 101),  # 10
        item(11, external_id="x" * 101),  # 11
        item(12, body_html="<p>" + "文" * (1024 * 1024) + "</p>"),  # 12: > 2 MB of UTF-8
        item(13, published_at="2014-02-30 10:00"),  # 13
        item(14, written_at="去年"),  # 14
        item(15, organisation="不存在的机构"),  # 15
        item(16, category="不存在的分类"),  # 16
        item(1, title="重复的外部编号"),  # 17: duplicate of line 1
        item(18, attachments=[{"title": "x", "url": "javascript:alert(1)"}]),  # 18
        item(19, colour="red"),  # 19: unknown field
        item(20, column="xxgk/zcwj"),  # 20: good
    ]
    sequences_before = IndexSequence.objects.count()
    out, err, status = run(write(tmp_path, *lines))

    assert status == 1
    assert "新建 2 条，更新 0 条，失败 18 条" in out
    expected = {
        2: "未知网站 nosuch.localhost",
        3: "网站 www.test.localhost 下没有栏目 xxgk/nosuch",
        4: "JSON格式错误",
        5: "每行必须是一个JSON对象",
        6: "缺少标题（title）",
        7: "标题（title）不能为空",
        8: "缺少外部编号（external_id）",
        9: "标题（title）超过255个字符（256个）",
        11: "外部编号（external_id）超过100个字符",
        12: "正文（body_html）超过2MB",
        13: "发布时间（published_at）“2014-02-30 10:00”不是ISO 8601时间",
        14: "成文日期（written_at）“去年”不是日期",
        15: "未知发布机构 不存在的机构",
        16: "未知主题分类 不存在的分类",
        17: "外部编号 legacy-1 与第1行重复",
        18: "第1个附件的地址“javascript:alert(1)”不是有效的http(s)网址",
        19: "未知字段 colour",
    }
    reported = {int(n): message for n, message in re.findall(r"^第(\d+)行：(.*)$", err, re.M)}
    assert set(reported) == set(range(2, 20))  # every bad line, and only those
    for line_no, message in expected.items():
        assert message in reported[line_no], (line_no, reported[line_no])
    for message in (
        "摘要（summary）超过500",
        "来源（source）超过100",
        "作者（author）超过50",
        "发文字号（doc_number）超过100",
    ):
        assert message in reported[10]

    assert sorted(ArticlePage.objects.values_list("external_id", flat=True)) == ["legacy-1", "legacy-20"]
    assert ArticlePage.objects.get(external_id="legacy-1").title == "郴州市召开政府网站建设工作会议（1）"
    assert Revision.page_revisions.count() == 2 + 6  # the two items + the fixture's six pages
    assert IndexSequence.objects.count() == sequences_before


def test_a_failure_while_writing_leaves_no_trace_of_that_item(cluster, tmp_path):
    """An error raised after the page was added to the tree (here by a page_published
    receiver) rolls the whole item back: page, revision, 索引号 serial, log, numchild."""

    def explode(sender, instance, **kwargs):
        if instance.external_id == "legacy-2":
            raise RuntimeError("下游系统不可用")

    news = cluster["news"]
    numchild_before = Page.objects.get(pk=news.pk).numchild
    logs_before = PageLogEntry.objects.count()
    page_published.connect(explode, sender=ArticlePage)
    try:
        out, err, status = run(
            write(
                tmp_path,
                item(1, organisation=ORG_CODE),
                item(2, organisation=ORG_CODE),
                item(3, organisation=ORG_CODE),
            )
        )
    finally:
        page_published.disconnect(explode, sender=ArticlePage)

    assert status == 1
    assert "第2行：写入失败：下游系统不可用" in err
    assert "新建 2 条，更新 0 条，失败 1 条" in out
    assert sorted(ArticlePage.objects.values_list("external_id", flat=True)) == ["legacy-1", "legacy-3"]
    # The rolled-back item's serial was not consumed: 00001 and 00002, no gap.
    assert sorted(ArticlePage.objects.values_list("index_number", flat=True)) == [
        f"{ORG_CODE}/2014-00001",
        f"{ORG_CODE}/2014-00002",
    ]
    assert not Revision.page_revisions.filter(object_str__contains="（2）").exists()
    assert Page.objects.get(pk=news.pk).numchild == numchild_before + 2
    assert not PageLogEntry.objects.filter(label__contains="（2）").exists()
    assert PageLogEntry.objects.count() > logs_before


def test_rerunning_a_file_updates_by_external_id(cluster, tmp_path, published_signals):
    path = write(tmp_path, item(1, organisation=ORG_CODE), item(2))
    run(path)
    first = ArticlePage.objects.get(external_id="legacy-1")

    changed = write(
        tmp_path,
        item(
            1,
            organisation=ORG_CODE,
            title="更正后的标题",
            attachments=[{"title": "新附件", "url": "http://a.cn/x.pdf"}],
        ),
        item(2, column="xxgk/zcwj"),  # asks for another column: updated, not moved
        item(3),
        name="again.jsonl",
    )
    out, err, status = run(changed)

    assert status == 0, err
    assert "新建 1 条，更新 2 条，失败 0 条" in out
    assert ArticlePage.objects.count() == 3
    page = ArticlePage.objects.get(external_id="legacy-1")
    assert page.pk == first.pk
    assert page.title == "更正后的标题" and page.live
    assert page.index_number == first.index_number  # the 索引号 is kept, not reissued
    assert page.revisions.count() == 2
    assert page.live_revision == page.latest_revision
    assert [a.title for a in page.attachments.all()] == ["新附件"]
    second = ArticlePage.objects.get(external_id="legacy-2")
    assert second.get_parent().pk == cluster["news"].pk
    assert "第2行：外部编号 legacy-2 已在栏目“工作动态”中，已更新内容，未移动位置" in err
    assert published_signals.count("legacy-1") == 2


def test_dry_run_validates_and_writes_nothing(cluster, tmp_path):
    run(write(tmp_path, item(1), name="first.jsonl"))
    counts = (
        Page.objects.count(),
        Revision.objects.count(),
        PageLogEntry.objects.count(),
        IndexSequence.objects.count(),
    )

    out, err, status = run(
        write(
            tmp_path,
            item(1, title="新标题"),
            item(2, organisation=ORG_CODE),
            item(3, site="nosuch.localhost"),
        ),
        "--dry-run",
    )

    assert status == 1
    assert "试运行（未写入任何数据）：将新建 1 条，将更新 1 条，失败 1 条" in out
    assert "第3行：未知网站 nosuch.localhost" in err
    assert counts == (
        Page.objects.count(),
        Revision.objects.count(),
        PageLogEntry.objects.count(),
        IndexSequence.objects.count(),
    )
    assert ArticlePage.objects.get(external_id="legacy-1").title == "郴州市召开政府网站建设工作会议（1）"


def test_draft_import_leaves_pages_unpublished(cluster, tmp_path, published_signals):
    path = write(tmp_path, item(1, organisation=ORG_CODE))
    out, err, status = run(path, "--draft")

    assert status == 0, err
    assert "导入完成（草稿）：新建 1 条" in out
    page = ArticlePage.objects.get(external_id="legacy-1")
    assert not page.live and page.has_unpublished_changes
    assert page.index_number is None  # issued on publication only
    assert page.revisions.count() == 1
    assert published_signals == []

    # Publishing it by re-importing without --draft, then a --draft edit of the live page
    # leaves the live version as it was.
    run(path)
    page.refresh_from_db()
    assert page.live and page.index_number == f"{ORG_CODE}/2014-00001"
    run(write(tmp_path, item(1, organisation=ORG_CODE, title="待审核的新标题"), name="edit.jsonl"), "--draft")
    page.refresh_from_db()
    assert page.live and page.title == "郴州市召开政府网站建设工作会议（1）"
    assert page.has_unpublished_changes
    assert page.get_latest_revision_as_object().title == "待审核的新标题"


def test_duplicate_external_id_within_one_file_fails_the_second(cluster, tmp_path):
    out, err, status = run(write(tmp_path, item(1, title="第一次"), item(2), item(1, title="第二次")))

    assert status == 1
    assert "第3行：外部编号 legacy-1 与第1行重复" in err
    assert ArticlePage.objects.get(external_id="legacy-1").title == "第一次"
    assert ArticlePage.objects.count() == 2


def test_organisation_matches_by_name_and_unreadable_file_is_an_error(cluster, tmp_path):
    out, err, status = run(write(tmp_path, item(1, organisation="测试市人民政府办公室")))
    assert status == 0, err
    assert ArticlePage.objects.get(external_id="legacy-1").organisation == cluster["org"]

    out, err, status = run(tmp_path / "missing.jsonl")
    assert status == 2 and "无法读取文件" in err


def test_sanitiser_keeps_structure_and_drops_active_content():
    html = sanitize_html(
        '<h2 style="x">标题</h2><p onmouseover="x()"><b>粗</b><u>下</u><span class="c">文</span></p>'
        '<a href="JaVaScRiPt:alert(1)">x</a><a href="mailto:a@b.cn">信</a><img src="data:image/png;base64,AA">'
        "<blockquote>引</blockquote><ul><li>一</li></ul><script>alert(1)</script><!-- 注释 -->"
    )
    assert html == (
        '<h2>标题</h2><p><b>粗</b><u>下</u><span>文</span></p><a>x</a><a href="mailto:a@b.cn">信</a><img>'
        "<blockquote>引</blockquote><ul><li>一</li></ul>"
    )


def test_user_option_records_the_importer_and_applies_their_permissions(cluster, tmp_path):
    approver = make_user("approver", cluster["www"].groups["approver"])
    # A column without review workflow: the approver publishes there directly. (In 工作动态,
    # a reviewed column, nobody does: see the end of this test and cms/review_gate.py.)
    make_column(cluster["www"].home, title="机构职能", slug="jgzn", column_type="机构职能")
    out, err, status = run(write(tmp_path, item(1, column="jgzn")), "--user", "approver")

    assert status == 0, err
    page = ArticlePage.objects.get(external_id="legacy-1")
    assert page.owner == approver
    assert page.live_revision.user == approver
    logs = PageLogEntry.objects.filter(page=page)
    # The trail an editor leaves who creates and publishes in one step.
    assert sorted(logs.values_list("action", flat=True)) == ["wagtail.create", "wagtail.publish"]
    assert set(logs.values_list("user", flat=True)) == {approver.pk}

    # An editor may draft but not publish; another site's approver may do neither here.
    make_user("editor", cluster["www"].groups["editor"])
    make_user("county", cluster["county"].groups["approver"])
    path = write(tmp_path, item(2), name="other.jsonl")
    out, err, status = run(path, "--user", "editor")
    assert status == 1 and "第1行：用户 editor 无权发布栏目“工作动态”（可加 --draft 只导入为草稿）" in err
    out, err, status = run(path, "--user", "county", "--draft")
    assert status == 1 and "第1行：用户 county 无权编辑栏目“工作动态”" in err
    assert not ArticlePage.objects.filter(external_id="legacy-2").exists()
    out, err, status = run(path, "--user", "editor", "--draft")
    assert status == 0, err
    assert not ArticlePage.objects.get(external_id="legacy-2").live

    out, err, status = run(path, "--user", "nobody")
    assert status == 2 and "未知用户 nobody" in err

    # The approver may not publish in the reviewed news column; a draft (to submit) is fine.
    out, err, status = run(write(tmp_path, item(3), name="news.jsonl"), "--user", "approver")
    assert status == 1 and "第1行：用户 approver 无权发布栏目“工作动态”" in err
    assert not ArticlePage.objects.filter(external_id="legacy-3").exists()


def test_reference_index_is_updated_once_per_committed_item(
    cluster, tmp_path, django_capture_on_commit_callbacks
):
    from wagtail.models import ReferenceIndex

    path = write(tmp_path, item(1, organisation=ORG_CODE), item(2, title=""))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run(path)
    article = ArticlePage.objects.get(external_id="legacy-1")
    references = ReferenceIndex.get_references_for_object(article)
    # The saves themselves queued nothing; the update waits for the item's commit.
    assert not references.exists()
    for callback in callbacks:
        callback()
    assert str(cluster["org"].pk) in set(references.values_list("to_object_id", flat=True))


def test_tree_stays_consistent_when_another_writer_adds_to_the_column_mid_run(cluster):
    from cms.importer import ItemImporter

    importer = ItemImporter()
    first = importer.import_lines([json.dumps(item(1), ensure_ascii=False)])
    # An editor publishes into the same column while the import runs.
    make_article(cluster["news"], title="编辑同时发布的信息")
    second = importer.import_lines([json.dumps(item(2), ensure_ascii=False)])
    assert (first.created, second.created, second.failed) == (1, 1, 0)
    news = Page.objects.get(pk=cluster["news"].pk)
    assert news.numchild == news.get_children().count() == 3
    assert all(not problems for problems in Page.find_problems())


def test_an_imported_item_ends_as_wagtails_own_publish_leaves_it(cluster, tmp_path, published_signals):
    """The importer writes new items straight into their published state; the page, its
    revision, its log and its signals must be what save_revision() + publish() give."""
    fields = {
        "summary": "会议部署了2014年政府网站工作。",
        "source": "郴州市人民政府办公室",
        "organisation": ORG_CODE,
        "doc_number": "郴政办函〔2014〕82号",
        "category": "综合政务",
        "attachments": [{"title": "会议纪要.doc", "url": "http://www.czs.gov.cn/files/jiyao.doc"}],
    }
    out, err, status = run(write(tmp_path, item(1, **fields)))
    assert status == 0, err
    imported = ArticlePage.objects.get(external_id="legacy-1")

    # The same content published the way an editor's publish goes.
    reference = ArticlePage(
        title=imported.title,
        slug="reference",
        summary=imported.summary,
        source=imported.source,
        organisation=cluster["org"],
        doc_number=imported.doc_number,
        category=cluster["category"],
        published_at=imported.published_at,
        body=[("paragraph", imported.body[0].value)],
        attachments=[ArticleAttachment(title="会议纪要.doc", url="http://www.czs.gov.cn/files/jiyao.doc")],
    )
    cluster["news"].add_child(instance=reference)
    reference.save_revision(log_action=True).publish()
    reference = ArticlePage.objects.get(pk=reference.pk)

    for page in (imported, reference):
        assert page.live and not page.has_unpublished_changes and not page.expired
        assert page.live_revision_id == page.latest_revision_id is not None
        assert page.first_published_at is not None and page.last_published_at is not None
        assert page.latest_revision_created_at == page.latest_revision.created_at
        assert page.url_path == f"{cluster['news'].url_path}{page.slug}/"
        assert page.locale_id == cluster["news"].locale_id
        assert page.index_number and page.index_number.startswith(f"{ORG_CODE}/2014-")
        # The revision holds the published content: reverting to it or comparing it with a
        # later edit sees the same article.
        restored = page.live_revision.as_object()
        assert (restored.title, restored.summary, restored.doc_number, restored.index_number) == (
            page.title,
            page.summary,
            page.doc_number,
            page.index_number,
        )
        assert [a.title for a in restored.attachments.all()] == ["会议纪要.doc"]
        assert "wagtail.publish" in set(
            PageLogEntry.objects.filter(page=page).values_list("action", flat=True)
        )
        assert page.get_url(_request(cluster["www"].site)).endswith(f"/gzdt/{page.slug}/")
    assert published_signals.count("legacy-1") == 1
    news = Page.objects.get(pk=cluster["news"].pk)
    assert news.numchild == news.get_children().count() == 2
    assert cluster["news"].specific.articles().filter(pk=imported.pk).exists()
    assert all(not problems for problems in Page.find_problems())

    # An editor's later edit of the imported item goes through as for any other page.
    imported.title = "会后编辑的标题"
    imported.save_revision().publish()
    imported.refresh_from_db()
    assert imported.title == "会后编辑的标题" and imported.revisions.count() == 2
    assert imported.index_number == reference.index_number.replace("00002", "00001")


def test_nul_characters_are_a_line_error_before_any_query(cluster, tmp_path):
    # PostgreSQL refuses NUL in text even in a lookup; the line names the fields instead.
    out, err, status = run(write(tmp_path, item(1, column="gzdt\u0000", author="李\u0000明"), item(2)))
    assert status == 1
    assert "第1行：字段 author、column 含有空字符" in err
    assert list(ArticlePage.objects.values_list("external_id", flat=True)) == ["legacy-2"]


def test_a_time_the_database_cannot_store_is_a_line_error(cluster, tmp_path):
    # Year 1 east of UTC has no UTC time: a line error, not a crash of the whole run.
    lines = (item(1, published_at="0001-01-01T00:00:00+14:00"), item(2))
    out, err, status = run(write(tmp_path, *lines))
    assert status == 1
    assert "第1行" in err and "超出可保存的范围" in err
    assert list(ArticlePage.objects.values_list("external_id", flat=True)) == ["legacy-2"]
