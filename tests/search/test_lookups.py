"""The cached site names and synonym groups follow the admin's edits at once."""

from search.models import Synonym
from search.service import SearchParams, search
from tests.factories import make_article, make_column, make_site


def test_a_synonym_or_a_site_name_edited_after_a_search_applies_to_the_next_one():
    site = make_site(hostname="lookups.test.localhost", name="甲市人民政府")
    article = make_article(make_column(site.home), title="一网通办平台上线")

    def find():
        # This site only: other tests' corpora may hold 一网通办 too.
        return search(SearchParams(q="掌上办", site_id=site.site.pk, log=False))

    first = find()  # caches both lookups
    assert first["count"] == 0

    group = Synonym.objects.create(terms="掌上办，一网通办")
    assert [r["id"] for r in find()["results"]] == [article.pk]

    wagtail_site = site.site
    wagtail_site.site_name = "乙市人民政府"
    wagtail_site.save()
    answer = find()
    assert answer["results"][0]["site"]["name"] == "乙市人民政府"
    assert {f["id"]: f["name"] for f in answer["facets"]["site"]}[site.site.pk] == "乙市人民政府"

    group.delete()
    assert find()["count"] == 0
