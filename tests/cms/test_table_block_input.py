"""An article's table as the edit form posts it (cms/blocks.TableBlock): the table editor
writes its hidden input only once it has loaded, so a save sent before then posts it empty.
Wagtail read that as JSON and answered 500; the form now says so at the table, in
Chinese, keeps everything else the editor wrote, and saves nothing."""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.blocks import TABLE_UNREAD
from cms.models import ArticlePage, ColumnType
from tests.factories import make_article, make_column, make_site, make_user

TABLE = {
    "data": [["任务", "完成时限"], ["政务公开", "6月底"]],
    "table_header_choice": "row",
    "first_row_is_table_header": True,
    "first_col_is_header": False,
    "table_caption": "重点任务",
}


@pytest.fixture
def draft(client):
    site = make_site("table.test.localhost", "表格县人民政府", slug="table")
    editor = make_user("table-editor", site.groups["editor"])
    news = make_column(site.home, title="工作动态", slug="gzdt", column_type=ColumnType.NEWS)
    article = make_article(news, "郴州市部署政务公开重点任务", publish=False, user=editor)
    client.force_login(editor)
    return article


def post(client, article, table, **headers):
    data = nested_form_data(
        {
            "title": "重点任务已部署",
            "slug": article.slug,
            "summary": "会议部署全年重点任务。",
            "body": streamfield([("paragraph", rich_text("<p>会议要求按时完成。</p>")), ("table", table)]),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data, **headers)


def body_errors(response):
    (error,) = response.context["form"].errors["body"].as_data()
    return {index: block_error.messages for index, block_error in error.block_errors.items()}


@pytest.mark.parametrize("unread", ["", '{"data": [[', "[]"])
def test_an_unread_table_is_a_chinese_error_at_the_table_and_nothing_is_lost(client, draft, unread):
    revisions = draft.revisions.count()
    response = post(client, draft, unread)
    assert response.status_code == 200
    assert body_errors(response) == {1: [TABLE_UNREAD]}
    page = response.content.decode()
    # What the editor wrote comes back in the form.
    assert 'value="重点任务已部署"' in page and "会议部署全年重点任务。" in page
    assert draft.revisions.count() == revisions


def test_a_json_save_of_an_unread_table_is_a_400(client, draft):
    response = post(client, draft, "", HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"


def test_a_written_table_is_saved(client, draft):
    response = post(client, draft, json.dumps(TABLE, ensure_ascii=False))
    assert response.status_code == 302, body_errors(response)
    saved = ArticlePage.objects.get(pk=draft.pk).get_latest_revision_as_object()
    (table,) = [block.value for block in saved.body if block.block_type == "table"]
    assert table["data"] == TABLE["data"] and table["table_caption"] == "重点任务"
