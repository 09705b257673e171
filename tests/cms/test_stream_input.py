"""An article's body as the edit form posts it. The table editor writes its hidden input
only once it has loaded, so a save sent before then posts it empty: Wagtail read that as
JSON and answered 500; the form now says so at the table, in Chinese, keeps everything
else the editor wrote, and saves nothing (cms/blocks.TableBlock). A hand-made post whose
blocks Wagtail cannot read (cms/stream_input.py) is the same: an error, never a 500."""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.blocks import TABLE_UNREAD
from cms.models import ArticlePage, ColumnType
from cms.stream_input import STREAM_UNREAD
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


def post(client, article, table, *, change=None, **headers):
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
    data.update(change or {})
    return client.post(reverse("wagtailadmin_pages:edit", args=[article.pk]), data, **headers)


def body_errors(response):
    (error,) = response.context["form"].errors["body"].as_data()
    found = {index: block_error.messages for index, block_error in error.block_errors.items()}
    if error.non_block_errors:
        found[None] = [str(message) for message in error.non_block_errors]
    return found


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


UNREADABLE_POSTS = {
    "a block count that is no number": {"body-count": "x"},
    "more blocks counted than sent": {"body-count": "5"},
    "an order that is no number": {"body-0-order": "x"},
    "a rich text that is no JSON": {"body-0-value": "{不是 JSON"},
    "a rich text that is a list": {"body-0-value": "[]"},
}


@pytest.mark.parametrize("change", UNREADABLE_POSTS.values(), ids=UNREADABLE_POSTS.keys())
def test_a_body_wagtail_cannot_read_is_an_error_not_a_500(client, draft, change):
    revisions = draft.revisions.count()
    table = json.dumps(TABLE, ensure_ascii=False)
    response = post(client, draft, table, change=change)
    assert response.status_code == 200
    assert body_errors(response) == {None: [STREAM_UNREAD]}
    assert 'value="重点任务已部署"' in response.content.decode()
    answer = post(client, draft, table, change=change, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and answer.json()["error_code"] == "validation_error"
    assert draft.revisions.count() == revisions
