"""Wiring of the channels: the system checks of CHANNEL_ADAPTERS, PUSH_PROVIDER and
SEARCH_BACKEND, the column's channels offered from the adapter registry (a new channel
needs no migration), and each channel's own admin parts."""

from io import StringIO

import pytest
from django import forms
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings

from channels import checks
from channels.adapters import ChannelAdapter, channel_choices
from channels.models import Delivery
from cms.pages import ColumnPage
from search.checks import search_backend
from tests.factories import make_column, make_site, make_user

WEB = "channels.web.adapter.WebAdapter"
WECHAT = "channels.wechat.adapter.WeChatAdapter"


class FaxAdapter(ChannelAdapter):
    """A channel the platform does not ship, added by settings alone."""

    label = "传真"

    def deliver(self, page, revision, delivery):
        return {}


class NotAnAdapter:
    pass


def ids(messages):
    return [message.id for message in messages]


# --- the system checks ------------------------------------------------------------------


def test_the_shipped_settings_pass_every_check():
    assert checks.channel_adapters() == []
    assert checks.push_provider() == []
    assert search_backend() == []


@pytest.mark.parametrize(
    "adapters, expected",
    [
        ([("web", WEB)], ["channels.E001"]),
        ({"web": WEB, "a-channel-key-too-long-for-its-column": WEB}, ["channels.E001"]),
        ({"web": WEB, "wechat": None}, ["channels.E001"]),
        ({"web": WEB, "fax": "channels.fax.adapter.FaxAdapter"}, ["channels.E002"]),
        ({"web": "channels.web.adapter.NoSuchAdapter"}, ["channels.E002"]),
        ({"web": "tests.channels.test_wiring.NotAnAdapter"}, ["channels.E003"]),
        ({"web": WEB, "fax": "tests.channels.test_wiring.FaxAdapter"}, []),
    ],
)
def test_channel_adapters_check(settings, adapters, expected):
    settings.CHANNEL_ADAPTERS = adapters
    assert ids(checks.channel_adapters()) == expected


@pytest.mark.parametrize(
    "provider, expected",
    [
        ("channels.push.providers.JPushProvider", []),
        ("channels.push.providers.NoSuchProvider", ["channels.E004"]),
        ("channels.push.providers.Notification", ["channels.E004"]),
    ],
)
def test_push_provider_check(settings, provider, expected):
    settings.PUSH_PROVIDER = provider
    assert ids(checks.push_provider()) == expected


@pytest.mark.parametrize(
    "backend, expected",
    [
        ("search.backends.elasticsearch.ElasticsearchBackend", []),
        ("search.backends.whoosh.WhooshBackend", ["search.E001"]),
        ("search.backends.base.BackendQuery", ["search.E001"]),
    ],
)
def test_search_backend_check(settings, backend, expected):
    settings.SEARCH_BACKEND = backend
    assert ids(search_backend()) == expected


def test_a_channel_columns_choose_without_an_adapter_is_one_warning(settings):
    site = make_site()
    for n in range(3):
        make_column(site.home, f"栏目{n}", channels=["web", "wap", "app"])
    make_column(site.home, "政策文件", channels=["web", "fax"])
    settings.CHANNEL_ADAPTERS = {"web": WEB, "wap": WEB}
    [warning] = checks.column_channels()
    assert warning.id == "channels.W001"
    assert "app (3 columns), fax (1 column)" in warning.msg
    settings.CHANNEL_ADAPTERS = {**settings.CHANNEL_ADAPTERS, "app": WEB, "fax": WEB}
    assert checks.column_channels() == []


def test_the_checks_run_at_start_up(settings):
    """Registered by the apps' ready(): `manage.py check` (and runserver) run them."""
    settings.CHANNEL_ADAPTERS = {"web": "tests.channels.test_wiring.NotAnAdapter"}
    settings.PUSH_PROVIDER = "nowhere.Provider"
    settings.SEARCH_BACKEND = "nowhere.Backend"
    found = set(ids(run_checks()))
    assert {"channels.E003", "channels.E004", "search.E001"} <= found


# --- the column's channels come from the registry ----------------------------------------


def column_form(*args, **kwargs):
    return forms.modelform_factory(ColumnPage, fields=["channels"])(*args, **kwargs)


def test_a_column_offers_the_configured_channels_by_their_adapters_labels(settings):
    settings.CHANNEL_ADAPTERS = {"web": WEB, "wechat": WECHAT}
    form = column_form({"channels": ["web", "wechat"]})
    assert list(form["channels"].field.choices) == [("web", "网站"), ("wechat", "微信公众号")]
    assert form.is_valid(), form.errors
    assert form.cleaned_data["channels"] == ["web", "wechat"]


def test_a_column_rejects_a_channel_without_an_adapter(settings):
    settings.CHANNEL_ADAPTERS = {"web": WEB}
    form = column_form({"channels": ["web", "app"]})
    assert not form.is_valid()
    assert "channels" in form.errors


def test_an_old_column_keeps_a_channel_switched_off_since(settings):
    """A column that chose the app channel before push was switched off: its form shows
    the choice (marked 未配置) and saving keeps it; unticking it drops it."""
    site = make_site()
    column = make_column(site.home, channels=["web", "app"])
    settings.CHANNEL_ADAPTERS = {"web": WEB}
    form = column_form({"channels": ["web", "app"]}, instance=column)
    assert ("app", "app（未配置）") in list(form["channels"].field.choices)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["channels"] == ["web", "app"]
    assert column_form({"channels": ["web"]}, instance=column).is_valid()
    # A new column cannot choose it.
    assert not column_form({"channels": ["web", "app"]}).is_valid()


def test_the_column_edit_view_shows_the_configured_channels(client, settings):
    site = make_site()
    column = make_column(site.home, channels=["web", "app"])
    settings.CHANNEL_ADAPTERS = {"web": WEB, "wechat": WECHAT}
    client.force_login(make_user("admin", superuser=True))
    html = client.get(f"/admin/pages/{column.pk}/edit/").content.decode()
    assert "微信公众号" in html and "app（未配置）" in html


@override_settings(CHANNEL_ADAPTERS={"web": WEB, "fax": "tests.channels.test_wiring.FaxAdapter"})
def test_a_new_channel_is_a_column_choice_without_a_migration():
    assert ("fax", "传真") in channel_choices()
    form = column_form({"channels": ["web", "fax"]})
    assert form.is_valid(), form.errors
    # --check exits with status 1 if the models need a migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_a_delivery_is_labelled_by_its_adapter(settings):
    settings.CHANNEL_ADAPTERS = {"web": WEB, "fax": "tests.channels.test_wiring.FaxAdapter"}
    assert Delivery(channel="fax").channel_label == "传真"
    assert Delivery(channel="web").channel_label == "网站"
    assert Delivery(channel="app").channel_label == "app"  # no adapter: its key


# --- each channel's own admin parts ------------------------------------------------------


def test_wechat_contributes_its_settings_menu_item(client, settings):
    client.force_login(make_user("admin", superuser=True))
    assert "/admin/channels/wechat/menu/" in client.get("/admin/").content.decode()
    settings.CHANNEL_ADAPTERS = {"web": WEB}
    assert "/admin/channels/wechat/menu/" not in client.get("/admin/").content.decode()
