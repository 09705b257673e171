"""M16 (monitoring/wording.py): suspected typos, sensitive words and wrong leaders' titles
in the text citizens read, from the editable dictionaries; a person's dismissal is
remembered across scans; and the dictionaries' admin (monitoring/dictionary_admin.py),
scoped to the sites a user may edit."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse

# Importing dictionary_admin registers its viewset (as monitoring/wagtail_hooks.py does).
from monitoring import dictionary_admin, findings, wording
from monitoring.models import CheckId, DictionaryWord, Finding, MonitorSettings, Scan
from monitoring.scan import ScanContext
from search.models import SensitiveWord
from tests.factories import make_article, make_column, make_site, make_user
from tests.monitoring.standin import Planted, StandIn

TYPO = DictionaryWord.Kind.TYPO
SENSITIVE = DictionaryWord.Kind.SENSITIVE
LEADER = DictionaryWord.Kind.LEADER


@pytest.fixture(autouse=True)
def fresh_dictionaries():
    """Each test's rows are rolled back without a signal: start from a new version."""
    wording.connect()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site():
    return make_site("www.wd.localhost", "郴州市人民政府").site


def kinds(problems):
    return [(p.kind, p.word, p.found, p.correction) for p in problems]


# -- the pure function ----------------------------------------------------------------------


def test_a_seed_typo_is_found_with_its_correction_position_and_context(site):
    text = "为方便群众办事，各服务窗口已全部按装了自助终端设备，欢迎使用。"
    (problem,) = wording.find_problems(text, site)
    assert (problem.kind, problem.word, problem.correction) == ("typo", "按装", "安装")
    assert text[problem.position : problem.position + 2] == "按装"
    assert problem.context == text[problem.position - 15 : problem.position + 2 + 15]
    # The search's normalisation: traditional characters and full-width text are caught too,
    # at their own position in the original text.
    traditional = "ＡＢ　再接再勵，一如繼往。"
    found = wording.find_problems(traditional, site)
    assert [(p.word, p.correction, traditional[p.position]) for p in found] == [
        ("再接再励", "再接再厉", "再"),
        ("一如继往", "一如既往", "一"),
    ]
    # Correct words are no typos.
    assert wording.find_problems("即使困难再大，也要按部就班、再接再厉地安装到位。", site) == []


def test_an_editors_typo_applies_to_its_site_only(site):
    other = make_site("bhq.wd.localhost", "北湖区人民政府").site
    DictionaryWord.objects.create(kind=TYPO, word="郴洲", correction="郴州", site=site)
    assert kinds(wording.find_problems("欢迎来到郴洲。", site)) == [("typo", "郴洲", "", "郴州")]
    assert wording.find_problems("欢迎来到郴洲。", other) == []
    # A word of every site, added later: the dictionary is rebuilt at once.
    DictionaryWord.objects.create(kind=TYPO, word="湘南门户", correction="湘南门户网")
    assert [p.word for p in wording.find_problems("湘南门户", other)] == ["湘南门户"]


def test_sensitive_words_come_from_the_search_dictionary_and_the_sites_own(site):
    text = "严厉打击赌博违法活动，详见 www.example.com 或 http://x.cn <b>。"
    # The search's seed list (赌博) is matched; its markup category (www., http://, <) is not.
    assert kinds(wording.find_problems(text, site)) == [("sensitive", "赌博", "", "")]
    # The search editors' dictionary is the same one: a word added there is found here.
    SensitiveWord.objects.create(word="违禁药", category=SensitiveWord.Category.CONTRABAND)
    assert [p.word for p in wording.find_problems("网上出售违禁药。", site)] == ["违禁药"]
    # A site's own sensitive word adds to it, for that site only; the same word in both
    # dictionaries is one problem.
    DictionaryWord.objects.create(kind=SENSITIVE, word="内部资料", site=site)
    DictionaryWord.objects.create(kind=SENSITIVE, word="赌博", site=site)
    found = wording.find_problems("这是内部资料，严禁赌博。", site)
    assert kinds(found) == [("sensitive", "内部资料", "", ""), ("sensitive", "赌博", "", "")]
    other = make_site("zxs.wd.localhost", "资兴市人民政府").site
    assert [p.word for p in wording.find_problems("这是内部资料。", other)] == []


def test_a_leaders_wrong_title_is_found_and_a_right_one_is_not(site):
    DictionaryWord.objects.create(kind=LEADER, word="王建国", correction="市长")
    DictionaryWord.objects.create(kind=LEADER, word="李明华", correction="市委常委、常务副市长", site=site)
    # 副市长 is read whole (longest match), not as 市长: wrong for the mayor.
    assert kinds(wording.find_problems("郴州市副市长王建国出席会议。", site)) == [
        ("leader", "王建国", "副市长", "市长")
    ]
    assert kinds(wording.find_problems("王建国副市长出席会议。", site)) == [
        ("leader", "王建国", "副市长", "市长")
    ]
    # And the other way round: 市长 is not 常务副市长, 副市长 is its short form.
    assert kinds(wording.find_problems("市长李明华讲话。", site)) == [
        ("leader", "李明华", "市长", "市委常委、常务副市长")
    ]
    for right in (
        "市长王建国出席会议。",
        "王建国市长出席会议。",
        "郴州市市长王建国主持。",
        "常务副市长李明华讲话。",
        "副市长李明华讲话。",
        "市委常委李明华讲话。",
        # A title across punctuation or in another sentence belongs to someone else.
        "会议由副市长主持。王建国作报告。",
        "出席会议的有副市长、王建国。",
        "王建国，副市长张三出席。",
        # No title next to the name: nothing to judge.
        "王建国同志出席会议。",
    ):
        assert wording.find_problems(right, site) == [], right
    problem = wording.find_problems("副市长王建国出席会议。", site)[0]
    assert problem.label == "王建国副市长" and "副市长王建国出席会议" in problem.context


def test_the_visible_text_is_the_main_element_without_scripts():
    html = """<html><head><title>按装</title><style>.x{content:"按装"}</style></head><body>
        <header>郴州市人民政府 网站按装说明</header>
        <main><h1>通知</h1><script>var s = "再接再励";</script><p>市长</p><p>王建国出席。</p>
        <p>按<b>装</b>完毕</p></main><footer>再接再励</footer></body></html>"""
    text = wording.visible_text(html)
    assert "再接再励" not in text and "说明" not in text
    assert "按装完毕" in text
    # Two blocks are two lines: the title of one paragraph is not read with the next's name.
    assert "市长\n" in text
    # Hidden in the markup is not read either (an injected block is M17's finding).
    hidden = '<main><p>欢迎</p><div style="display: none">按装</div><p hidden>按装</p><span style="VISIBILITY:hidden">按装</span></main>'
    assert wording.visible_text(hidden).split() == ["欢迎"]
    without_main = "<body><p>欢迎</p><script>按装</script><div>再接再励</div></body>"
    assert wording.visible_text(without_main).split() == ["欢迎", "再接再励"]


# -- the check over served pages ------------------------------------------------------------


def page_html(body, outside=""):
    return f"<html><body><nav>{outside}</nav><main>{body}</main></body></html>"


@pytest.fixture
def served(site):
    """The site's three pages served by a stand-in with planted HTML."""
    home = site.root_page.specific
    column = make_column(home, "工作动态", slug="gzdt")
    article = make_article(column, "市政府召开常务会议", slug="cwhy")
    DictionaryWord.objects.create(kind=LEADER, word="王建国", correction="市长")
    with StandIn() as standin:
        standin.routes["/"] = Planted(body=page_html("<p>欢迎访问郴州市人民政府网站。</p>", outside="按装"))
        standin.routes["/gzdt/"] = Planted(
            body=page_html("<p>各窗口已按装自助终端，再接再励。</p><script>var x='赌博';</script>")
        )
        standin.routes["/gzdt/cwhy/"] = Planted(
            body=page_html("<p>副市长王建国出席会议，强调打击赌博。按装、按装、按装。</p>")
        )
        settings_row = MonitorSettings.for_site(site)
        settings_row.base_url = f"http://www.wd.localhost:{standin.port}"
        settings_row.requests_per_second = 500
        settings_row.save()
        yield {"site": site, "column": column, "article": article, "standin": standin}


def scan(site):
    ctx = ScanContext(site)
    record = Scan.objects.create(site=site, started_at=ctx.now)
    wording.check(ctx)
    findings.keep(ctx, record)
    return ctx


def test_the_check_reports_each_word_once_per_page_with_its_evidence(served):
    site, article, standin = served["site"], served["article"], served["standin"]
    ctx = scan(site)
    rows = {row.key: row for row in Finding.objects.filter(site=site, check_id=CheckId.M16)}
    base = f"http://www.wd.localhost:{standin.port}"
    assert set(rows) == {
        f"typo:按装:{base}/gzdt/",
        f"typo:再接再励:{base}/gzdt/",
        f"typo:按装:{base}/gzdt/cwhy/",
        f"sensitive:赌博:{base}/gzdt/cwhy/",
        f"leader:王建国副市长:{base}/gzdt/cwhy/",
    }  # nothing from the home page's navigation or the column's script
    typo = rows[f"typo:按装:{base}/gzdt/cwhy/"]
    assert typo.certainty == Finding.Certainty.SUSPECTED
    assert typo.title == "疑似错别字：按装（应为安装）"
    assert typo.page_id == article.pk and typo.url == f"{base}/gzdt/cwhy/"
    assert typo.evidence["count"] == 3 and typo.evidence["correction"] == "安装"
    assert typo.evidence["parent_title"] == "市政府召开常务会议"
    assert typo.evidence["parent_url"] == f"{base}/gzdt/cwhy/"
    assert "按装、按装" in typo.evidence["context"]
    leader = rows[f"leader:王建国副市长:{base}/gzdt/cwhy/"]
    assert leader.title == "领导职务疑似有误：王建国副市长（应为市长）"
    assert leader.evidence["word"] == "王建国" and leader.evidence["kind"] == "leader"
    assert rows[f"sensitive:赌博:{base}/gzdt/cwhy/"].certainty == Finding.Certainty.SUSPECTED
    assert ctx.figures["M16"] == {"pages": 3, "unreadable": 0, "typo": 3, "sensitive": 1, "leader": 1}
    assert "M16" in ctx.completed
    # Each page was fetched once.
    assert sorted(path for _host, path in standin.requests) == ["/", "/gzdt/", "/gzdt/cwhy/"]


def test_a_dismissed_finding_stays_dismissed_on_the_next_scan(served):
    site, standin = served["site"], served["standin"]
    scan(site)
    base = f"http://www.wd.localhost:{standin.port}"
    dismissed = Finding.objects.get(site=site, key=f"sensitive:赌博:{base}/gzdt/cwhy/")
    dismissed.review = Finding.Review.DISMISSED
    dismissed.save()
    confirmed = Finding.objects.get(site=site, key=f"typo:再接再励:{base}/gzdt/")
    confirmed.review = Finding.Review.CONFIRMED
    confirmed.save()
    # The column's typo is corrected meanwhile.
    standin.routes["/gzdt/"] = Planted(body=page_html("<p>各窗口已按装自助终端，再接再厉。</p>"))
    scan(site)
    dismissed.refresh_from_db()
    assert dismissed.review == Finding.Review.DISMISSED and dismissed.resolved_at is None
    assert not dismissed.is_open
    confirmed.refresh_from_db()
    assert confirmed.resolved_at is not None
    open_keys = set(findings.open_findings(site, CheckId.M16).values_list("key", flat=True))
    assert open_keys == {
        f"typo:按装:{base}/gzdt/",
        f"typo:按装:{base}/gzdt/cwhy/",
        f"leader:王建国副市长:{base}/gzdt/cwhy/",
    }
    assert Finding.objects.filter(site=site, check_id=CheckId.M16).count() == 5


# -- the dictionaries in the admin ----------------------------------------------------------


@pytest.fixture
def admin_sites():
    city = make_site("www.dict.localhost", "郴州市人民政府")
    county = make_site("bhq.dict.localhost", "北湖区人民政府")
    group = Group.objects.create(name="北湖区·监测词库")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="monitoring", codename__endswith="_dictionaryword")
    )
    editor = make_user("bhq_dict", county.groups["editor"], group)
    words = {
        "city": DictionaryWord.objects.create(kind=LEADER, word="王建国", correction="市长", site=city.site),
        "county": DictionaryWord.objects.create(
            kind=TYPO, word="北胡区", correction="北湖区", site=county.site
        ),
        "global": DictionaryWord.objects.create(kind=TYPO, word="郴洲", correction="郴州"),
    }
    return {"city": city.site, "county": county.site, "editor": editor, "words": words}


def url(name, *args):
    return reverse(dictionary_admin.dictionary_viewset.get_url_name(name), args=args)


def test_a_superuser_manages_every_word_in_chinese(client, admin_sites):
    client.force_login(make_user("dict_root", superuser=True))
    listing = client.get(url("index"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert listing.status_code == 200
    html = listing.content.decode()
    for text in (
        "王建国",
        "北胡区",
        "郴洲",
        "监测词库",
        "词库类别",
        "正确写法",
        "全部网站",
        "错别字",
        "领导姓名与职务",
    ):
        assert text in html, text
    assert url("index") == "/admin/monitoring/dictionary/"
    form = client.get(url("add")).content.decode()
    for text in (
        "词库类别",
        "词语",
        "正确写法",
        "全部网站",
        "北湖区人民政府（bhq.dict.localhost）",
        "敏感词",
    ):
        assert text in form, text
    assert "Correct form" not in form and "Kind" not in form
    response = client.post(
        url("add"), {"kind": "sensitive", "word": "  内部  资料 ", "correction": "", "site": ""}
    )
    assert response.status_code == 302
    assert DictionaryWord.objects.get(kind="sensitive", site=None).word == "内部 资料"
    # A typo needs its correction; the same word twice for every site is refused.
    response = client.post(url("add"), {"kind": "typo", "word": "郴洲", "correction": "", "site": ""})
    assert response.status_code == 200
    assert "请填写错别字的正确写法" in response.content.decode()
    response = client.post(url("add"), {"kind": "typo", "word": "郴洲", "correction": "郴州", "site": ""})
    assert "该词已在全部网站的词库中" in response.content.decode()
    assert DictionaryWord.objects.filter(word="郴洲").count() == 1
    # Filter by list and search.
    leaders = client.get(url("index"), {"kind": "leader"}).content.decode()
    assert "王建国" in leaders and "北胡区" not in leaders
    searched = client.get(url("index"), {"q": "北胡"}).content.decode()
    assert "北胡区" in searched and "王建国" not in searched


def test_a_site_editor_manages_only_their_sites_words(client, admin_sites):
    words, county = admin_sites["words"], admin_sites["county"]
    client.force_login(admin_sites["editor"])
    html = client.get(url("index")).content.decode()
    assert "北胡区" in html and "郴洲" in html and "王建国" not in html
    # A word of every site is listed without edit or delete links.
    assert url("edit", words["county"].pk) in html
    assert url("edit", words["global"].pk) not in html and url("delete", words["global"].pk) not in html
    form = client.get(url("add")).content.decode()
    assert "北湖区人民政府（bhq.dict.localhost）" in form
    assert "郴州市人民政府" not in form and "全部网站" not in form

    # Their own site's word: edited.
    response = client.post(
        url("edit", words["county"].pk),
        {"kind": "typo", "word": "北胡区", "correction": "北湖", "site": county.pk},
    )
    assert response.status_code == 302
    words["county"].refresh_from_db()
    assert words["county"].correction == "北湖"

    # Another site's word is not found, however asked; nothing changes.
    city_word = words["city"]
    for response in (
        client.get(url("edit", city_word.pk)),
        client.post(
            url("edit", city_word.pk),
            {"kind": "leader", "word": "王建国", "correction": "副市长", "site": county.pk},
        ),
        client.get(url("delete", city_word.pk)),
        client.post(url("delete", city_word.pk)),
        client.get(url("history", city_word.pk)),
    ):
        assert response.status_code == 404
    city_word.refresh_from_db()
    assert (city_word.correction, city_word.site_id) == ("市长", admin_sites["city"].pk)

    # A word of every site is read, not edited or deleted.
    for response in (
        client.get(url("edit", words["global"].pk)),
        client.post(
            url("edit", words["global"].pk),
            {"kind": "typo", "word": "郴洲", "correction": "x", "site": county.pk},
        ),
        client.post(url("delete", words["global"].pk)),
    ):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert DictionaryWord.objects.get(pk=words["global"].pk).correction == "郴州"

    # A new word: their site only, never another site or every site.
    for site_id in (admin_sites["city"].pk, ""):
        response = client.post(
            url("add"), {"kind": "sensitive", "word": "内部资料", "correction": "", "site": site_id}
        )
        assert response.status_code == 200
    assert not DictionaryWord.objects.filter(word="内部资料").exists()
    response = client.post(
        url("add"), {"kind": "sensitive", "word": "内部资料", "correction": "", "site": county.pk}
    )
    assert response.status_code == 302
    assert DictionaryWord.objects.get(word="内部资料").site_id == county.pk
    # And their own words are theirs to delete.
    assert client.post(url("delete", words["county"].pk)).status_code == 302
    assert not DictionaryWord.objects.filter(pk=words["county"].pk).exists()


def test_an_editor_without_the_permission_is_refused(client, admin_sites):
    county = make_site("zxs.dict.localhost", "资兴市人民政府")
    client.force_login(make_user("zxs_editor", county.groups["editor"]))
    for response in (
        client.get(url("index")),
        client.get(url("add")),
        client.post(url("add"), {"kind": "typo", "word": "x", "correction": "y", "site": county.site.pk}),
    ):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    assert not DictionaryWord.objects.filter(word="x").exists()


def test_the_demo_words_load_once_and_are_used():
    from demo import monitor_dictionary

    county = make_site("bhq.czs.localhost", "北湖区人民政府").site
    assert monitor_dictionary.load() == 8  # 资兴市's site is not built here: its typo waits
    assert monitor_dictionary.load() == 0
    assert DictionaryWord.objects.get(word="北胡区").site_id == county.pk
    found = wording.find_problems("市长刘振华到北胡区调研，副市长张晓梅陪同。", county)
    assert kinds(found) == [("leader", "刘振华", "市长", "市委书记"), ("typo", "北胡区", "", "北湖区")]
