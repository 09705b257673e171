"""信息采编 on the dashboard (cms/editor_desk.py): "写信息" shortcuts straight into the add
form of the type each of the editor's own columns offers, never another site's columns,
and the editor's items in review and sent back with the reviewer's comment."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from cms.models import ColumnType
from tests.cms.test_workflow import create_and_submit, workflow_action
from tests.factories import make_article, make_column, make_site, make_user


def add_url(app, model, column):
    return reverse("wagtailadmin_pages:add", args=[app, model, column.pk])


def dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    return response.text


def build_sites():
    www = make_site("www.desk.localhost", "郴州市人民政府", slug="www")
    bhq = make_site("bhq.desk.localhost", "北湖区人民政府", slug="bhq")
    zwdt = make_column(www.home, title="政务动态", slug="zwdt", column_type=ColumnType.NEWS)
    gzdt = make_column(zwdt, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    make_article(gzdt)
    zxft = make_column(www.home, title="在线访谈", slug="zxft", column_type=ColumnType.INTERVIEW)
    other = make_column(bhq.home, title="北湖区工作动态", slug="bhgzdt", column_type=ColumnType.NEWS)
    return www, bhq, {"zwdt": zwdt, "gzdt": gzdt, "zxft": zxft, "other": other}


def test_an_editor_gets_write_shortcuts_into_the_own_sites_columns_only(client):
    www, _bhq, columns = build_sites()
    text = dashboard(client, make_user("www_editor", www.groups["editor"]))

    assert "信息采编" in text and "写信息" in text
    assert add_url("cms", "articlepage", columns["gzdt"]) in text
    assert "政务动态 › 工作动态" in text
    # The interview column's shortcut opens the interview form.
    assert add_url("interaction", "interview", columns["zxft"]) in text
    assert add_url("cms", "articlepage", columns["zxft"]) not in text
    # A directory column is no row of its own: its editors write in its sub-columns.
    assert add_url("cms", "articlepage", columns["zwdt"]) not in text
    # Another site's column: neither its name nor its form.
    assert "北湖区工作动态" not in text
    assert add_url("cms", "articlepage", columns["other"]) not in text


def test_the_shortcut_opens_the_form_for_the_editor(client):
    www, _bhq, columns = build_sites()
    client.force_login(make_user("www_editor", www.groups["editor"]))
    response = client.get(add_url("cms", "articlepage", columns["gzdt"]))
    assert response.status_code == 200
    # The other site's editor may not open it.
    client.force_login(make_user("bhq_editor", _bhq.groups["editor"]))
    assert client.get(add_url("cms", "articlepage", columns["gzdt"])).status_code == 302


def test_the_desk_lists_items_in_review_and_sent_back_with_the_comment(client):
    www, _bhq, columns = build_sites()
    editor = make_user("www_editor", www.groups["editor"])
    reviewer = make_user("www_reviewer", www.groups["reviewer"])

    article = create_and_submit(client, editor, columns["gzdt"])
    text = dashboard(client, editor)
    assert "审核中" in text and article.title in text
    assert reverse("wagtailadmin_pages:edit", args=[article.pk]) in text

    workflow_action(client, reviewer, article, "reject", "请补充信息来源")
    text = dashboard(client, editor)
    assert "被退回修改" in text and "请补充信息来源" in text and article.title in text

    # The reviewer's own desk lists no one else's items.
    assert "请补充信息来源" not in dashboard(client, reviewer)


def test_a_user_without_columns_gets_no_panel(client):
    build_sites()
    user = make_user("nobody")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert "信息采编" not in dashboard(client, user)
