"""Remembered sites (sites/resolution.py): a public request finds its site and profile
without a query once its process has seen the host, and every edit of a site, its profile
or its home page reaches the next request, in this process and (through the shared token)
in every other."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from sites import resolution
from sites.models import SiteProfile
from tests.factories import make_site

pytestmark = pytest.mark.django_db

HOST = "www.memo.localhost"


@pytest.fixture
def provisioned():
    return make_site(HOST, "备忘市人民政府", contact_phone="0735-1111111")


def attach(host=HOST):
    request = RequestFactory().get("/", HTTP_HOST=host)
    return request, resolution.attach(request)


def page_queries(client, host=HOST):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/favicon.ico", HTTP_HOST=host)
    assert response.status_code == 301
    return [q["sql"] for q in queries]


def test_the_memo_is_on_in_these_settings():
    # The rest of the suite runs with it too: an edit it missed would fail other tests.
    assert resolution.enabled()


def test_a_seen_host_costs_no_query(client, provisioned):
    first = page_queries(client)
    assert any("wagtailcore_site" in sql for sql in first)
    assert page_queries(client) == []


def test_the_request_gets_the_site_profile_and_home_page(provisioned):
    attach()
    request, site = attach()
    assert site.pk == provisioned.site.pk and site.site_name == "备忘市人民政府"
    assert Site.find_for_request(request) is site
    assert SiteProfile.for_request(request).contact_phone == "0735-1111111"
    with CaptureQueriesContext(connection) as queries:
        assert site.root_page.pk == provisioned.home.pk
    assert len(queries) == 0


def test_each_request_gets_its_own_instances(provisioned):
    _, one = attach()
    _, two = attach()
    assert one is not two and one.root_page is not two.root_page
    one.site_name = "改了"
    one.root_page.title = "改了"
    _, three = attach()
    assert three.site_name == "备忘市人民政府" and three.root_page.title != "改了"


def test_a_site_edit_reaches_the_next_request(client, provisioned):
    page_queries(client)
    site = provisioned.site
    site.site_name = "新名称人民政府"
    site.save()
    assert attach()[1].site_name == "新名称人民政府"
    assert "新名称人民政府" in client.get("/", HTTP_HOST=HOST).content.decode()


def test_a_profile_edit_reaches_the_next_request(client, provisioned):
    attach()
    profile = SiteProfile.objects.get(site=provisioned.site)
    profile.contact_phone = "0735-2222333"
    profile.save()
    request, _ = attach()
    assert SiteProfile.for_request(request).contact_phone == "0735-2222333"
    assert "0735-2222333" in client.get("/", HTTP_HOST=HOST).content.decode()


def test_a_home_page_publish_reaches_the_next_request(provisioned):
    attach()
    home = provisioned.home.specific
    home.title = "新的首页标题"
    home.save_revision().publish()
    assert attach()[1].root_page.title == "新的首页标题"


def test_a_page_that_is_no_home_leaves_the_memo_alone(provisioned):
    from tests.factories import make_column

    attach()
    before = resolution._memo["generation"]
    column = make_column(provisioned.home, "工作动态")
    column.title = "工作动态（改）"
    column.save_revision().publish()
    attach()
    assert resolution._memo["generation"] == before


def test_a_deleted_site_no_longer_answers(provisioned):
    assert attach()[1] is not None
    provisioned.site.delete()
    assert attach()[1] is None


def test_a_new_site_answers_its_host_at_once():
    assert attach("www.later.localhost")[1] is None
    provisioned = make_site("www.later.localhost", "后来市人民政府")
    assert attach("www.later.localhost")[1].pk == provisioned.site.pk


def test_another_process_edit_arrives_through_the_shared_token(provisioned):
    attach()
    # A row changed without this process's signals (another process's edit) ...
    Site.objects.filter(pk=provisioned.site.pk).update(site_name="别处改的名称")
    assert attach()[1].site_name == "备忘市人民政府"
    # ... is read once that process replaces the shared token.
    resolution.move_on()
    assert attach()[1].site_name == "别处改的名称"


def test_the_token_changes_again_when_the_edit_commits(provisioned, django_capture_on_commit_callbacks):
    attach()
    start = resolution.TOKEN.read()
    with django_capture_on_commit_callbacks(execute=True):
        provisioned.site.save()
        # A process that read the row now still saw the old one under the new token...
        during = resolution.TOKEN.read()
        assert during != start
    # ... so the commit replaces it once more.
    assert resolution.TOKEN.read() not in (start, during)


def test_a_cache_that_lost_the_token_brings_no_old_answer_back(provisioned):
    # The shared cache loses its keys (cleared, Redis restarted without its data) ...
    cache.clear()
    attach()
    Site.objects.filter(pk=provisioned.site.pk).update(site_name="重启后改的名称")
    cache.clear()
    # ... a counter would start again at the number this process remembered; a token does not.
    assert attach()[1].site_name == "重启后改的名称"


def test_hosts_from_clients_are_bounded(provisioned):
    for n in range(resolution.MAX_HOSTS + 50):
        attach(f"h{n}.nowhere.localhost")
    assert len(resolution._memo["hosts"]) <= resolution.MAX_HOSTS
    assert attach()[1].pk == provisioned.site.pk


def root_urls(request):
    return {root.root_url for root in resolution.site_root_paths(request)}


def test_the_root_paths_come_with_the_site_without_a_cache_read(provisioned, monkeypatch):
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY

    attach()
    reads = []
    original = cache.get

    def counted(key, *args, **kwargs):
        reads.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counted)
    request, _ = attach()
    # Wagtail's own URL building takes them from the request too.
    assert provisioned.home.get_full_url(request) == f"http://{HOST}/"
    assert f"http://{HOST}" in root_urls(request)
    assert not [key for key in reads if SITE_ROOT_PATHS_CACHE_KEY in str(key)]


def test_a_hostname_edit_reaches_the_next_requests_urls(provisioned):
    attach()
    site = provisioned.site
    site.hostname = "new.memo.localhost"
    site.save()
    request, _ = attach("new.memo.localhost")
    assert provisioned.home.get_full_url(request) == "http://new.memo.localhost/"
    assert f"http://{HOST}" not in root_urls(request)


def test_a_new_translation_of_a_home_page_is_in_the_next_requests_root_paths(provisioned):
    from wagtail.models import Locale

    attach()
    english = Locale.objects.get_or_create(language_code="en")[0]
    translation = provisioned.home.copy_for_translation(english)
    request, _ = attach()
    assert translation.url_path in {root.root_path for root in resolution.site_root_paths(request)}
