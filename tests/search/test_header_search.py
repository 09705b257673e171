"""The search box in the header of every page (issue 15): found on the homepage, a column
and an article of each site, in the site's language, and its two scopes reach 本站 and
全站群 results."""

import re

from django.test import Client

FORM = re.compile(r'<form class="site-search" role="search" method="get" action="([^"]+)"(.*?)</form>', re.S)


def header_form(client, host, path="/"):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, (host, path)
    match = FORM.search(response.content.decode())
    assert match, f"no header search form on {host}{path}"
    return match.group(1), match.group(2)


def test_every_page_of_every_site_has_the_header_search(corpus):
    client = Client()
    flood = corpus.page("flood")
    column = flood.get_parent()
    for host, paths in [
        ("www.cz.test", ["/", column.url_path[len(corpus.sites["cz"].home.url_path) - 1 :], flood.url]),
        ("bh.cz.test", ["/"]),
    ]:
        for path in paths:
            action, inner = header_form(client, host, path)
            assert action == "/search/"
            assert 'name="q"' in inner and 'value="site"' in inner and 'value="cluster"' in inner
            assert "本站" in inner and "搜索" in inner
            # Every control has a label (WCAG 2.1 AA, 1.3.1 / 4.1.2).
            for control in re.findall(r'id="([^"]+)"', inner):
                assert f'for="{control}"' in inner


def test_the_english_portal_header_search_speaks_english(corpus):
    _, inner = header_form(Client(), "en.cz.test")
    assert "This site" in inner and "本站" not in inner


def test_the_header_scopes_reach_this_site_or_the_whole_cluster(corpus):
    client = Client()
    title = corpus.page("flood").title
    on_site = client.get("/search/", {"q": title, "scope": "site"}, HTTP_HOST="bh.cz.test")
    in_cluster = client.get("/search/", {"q": title, "scope": "cluster"}, HTTP_HOST="bh.cz.test")
    assert on_site.status_code == in_cluster.status_code == 200
    assert title not in on_site.content.decode().split("</form>", 2)[-1]
    assert title in in_cluster.content.decode()
    # The page keeps the chosen scope in the header box.
    assert 'value="cluster" selected' in in_cluster.content.decode()
