"""The account menu: built from the site's in-menu columns within WeChat's limits, pushed
with menu/create to the API stand-in by the command and the admin page."""

import pytest
from django.core.management import CommandError, call_command

from channels.wechat.menu import MenuError, build_menu, push_menu, truncate_name
from tests.factories import make_column, make_user

from .wechat_fixtures import account, standin  # noqa: F401


def names(menu):
    for button in menu["button"]:
        yield button["name"]
        for sub in button.get("sub_button", []):
            yield sub["name"]


def test_truncate_name_cuts_at_character_boundaries_within_16_bytes():
    assert truncate_name("郴州市人民政府信息公开") == "郴州市人民"  # 15 bytes; a sixth would be 18
    assert truncate_name("ABCDEFGHIJKLMNOPQRS") == "ABCDEFGHIJKLMNOP"
    assert truncate_name("ab郴州市人民") == "ab郴州市人"  # 14 bytes
    assert truncate_name("  政务\n动态 ") == "政务 动态"
    assert truncate_name("😀😀😀😀😀") == "😀😀😀😀"


def test_few_columns_become_click_buttons_and_a_view_to_the_site(account):  # noqa: F811
    home = account.site.root_page
    news = make_column(home, title="政务动态", show_in_menus=True)
    notices = make_column(home, title="通知公告", show_in_menus=True)
    make_column(home, title="隐藏栏目", show_in_menus=False)
    menu = build_menu(account.site)
    assert menu == {
        "button": [
            {"type": "click", "name": "政务动态", "key": f"column:{news.pk}"},
            {"type": "click", "name": "通知公告", "key": f"column:{notices.pk}"},
            {"type": "view", "name": "访问网站", "url": "http://www.wx.localhost/"},
        ]
    }


def test_many_columns_and_subcolumns_stay_within_wechats_limits(account):  # noqa: F811
    home = account.site.root_page
    tops = [make_column(home, title=f"第{i}个很长的一级栏目名称", show_in_menus=True) for i in range(6)]
    subs = [make_column(tops[0], title=f"子栏目{i}", show_in_menus=True) for i in range(7)]
    menu = build_menu(account.site)

    buttons = menu["button"]
    assert 1 <= len(buttons) <= 3
    assert all(len(b.get("sub_button", [])) <= 5 for b in buttons)
    assert all(len(n.encode()) <= 16 for n in names(menu))
    first = buttons[0]
    assert [s.get("key") for s in first["sub_button"][:4]] == [f"column:{c.pk}" for c in subs[:4]]
    assert first["sub_button"][4] == {"type": "view", "name": "更多", "url": tops[0].get_full_url()}
    assert buttons[1] == {
        "type": "click",
        "name": truncate_name(tops[1].title),
        "key": f"column:{tops[1].pk}",
    }
    more = buttons[2]
    assert more["name"] == "更多"
    assert more["sub_button"][0]["url"] == "http://www.wx.localhost/"
    assert [s["key"] for s in more["sub_button"][1:]] == [f"column:{c.pk}" for c in tops[2:6]]


def test_push_sends_the_menu_through_the_client(standin, account):  # noqa: F811
    make_column(account.site.root_page, title="政务动态", show_in_menus=True)
    sent = push_menu(account.site)
    calls = standin.successful("menu/create")
    assert len(calls) == 1
    assert calls[0]["json"] == sent
    assert standin.menu == sent
    assert "政务动态".encode() in calls[0]["body"]  # not \u escapes (WeChat's 40033)


def test_push_error_is_explained_in_chinese(standin, account):  # noqa: F811
    standin.inject("menu/create", errcode=40018)
    with pytest.raises(MenuError) as exc:
        push_menu(account.site)
    assert "菜单名称过长" in exc.value.reason
    assert standin.menu is None


def test_push_without_an_account_is_refused_before_any_request(standin):  # noqa: F811
    from tests.factories import make_site

    site = make_site(hostname="nowx.localhost", name="无公众号")
    with pytest.raises(MenuError) as exc:
        push_menu(site.site)
    assert "没有配置微信公众号" in exc.value.reason
    assert standin.calls() == []


def test_command_pushes_the_menu(standin, account, capsys):  # noqa: F811
    make_column(account.site.root_page, title="政务动态", show_in_menus=True)
    call_command("wechat_menu", "--site", "www.wx.localhost")
    assert standin.menu["button"][0]["name"] == "政务动态"
    assert "菜单已推送" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("wechat_menu", "--site", "nosuch.localhost")


def test_command_dry_run_sends_nothing(standin, account):  # noqa: F811
    call_command("wechat_menu", "--site", "www.wx.localhost", "--dry-run")
    assert standin.calls() == []


def test_admin_page_lists_and_pushes_the_menu(standin, account, client):  # noqa: F811
    make_column(account.site.root_page, title="政务动态", show_in_menus=True)
    client.force_login(make_user("admin", superuser=True))
    page = client.get("/admin/channels/wechat/menu/")
    assert page.status_code == 200
    assert "政务动态" in page.content.decode()
    response = client.post("/admin/channels/wechat/menu/", {"site": account.site.pk}, follow=True)
    assert "已将菜单推送" in response.content.decode()
    assert standin.menu["button"][0]["name"] == "政务动态"


def test_admin_page_needs_the_account_permission(standin, account, client):  # noqa: F811
    from django.contrib.auth.models import Permission

    assert (
        client.post("/admin/channels/wechat/menu/", {"site": account.site.pk}).status_code == 302
    )  # to login
    editor = make_user("editor")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    # Wagtail answers a permission denial with a redirect to the dashboard and a message.
    refused = client.post("/admin/channels/wechat/menu/", {"site": account.site.pk})
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert standin.calls() == []
