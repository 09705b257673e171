"""The read API: sites, column tree, item lists and filters, item detail with clean
absolute HTML and renditions, topics with sections, organisations, scope and language."""

import re

from django.test import TestCase

from .conftest import BHQ, EN, WWW, build_cluster


class ReadApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_cluster(cls)

    def get(self, url, host=WWW, **params):
        return self.client.get(url, params, HTTP_HOST=host)

    def ids(self, response):
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    def test_sites_list_names_every_site_with_its_profile(self):
        data = self.get("/api/v1/sites/").json()["results"]
        by_host = {s["hostname"]: s for s in data}
        assert set(by_host) == {WWW, BHQ, EN}
        assert by_host[EN]["locale"] == "en"
        assert by_host[BHQ]["kind"] == "county"
        assert by_host[WWW]["site_code"] == "4310000001"
        assert self.get("/api/v1/sites/", lang="en").json()["results"]  # language accepted
        english = self.get(f"/api/v1/sites/{self.en.site.pk}/", lang="en").json()
        assert english["host_organisation"] == "Foreign Affairs Office of Chenzhou"

    def test_column_tree_of_the_host_site(self):
        data = self.get("/api/v1/columns/").json()
        assert data["site"] == self.www.site.pk
        top = {c["title"]: c for c in data["columns"]}
        assert set(top) == {"工作动态", "政策文件"}
        assert [c["title"] for c in top["工作动态"]["children"]] == ["市长活动"]
        assert top["工作动态"]["push"] is True and top["政策文件"]["push"] is False
        assert top["工作动态"]["url"] == f"http://{WWW}/news/"

    def test_items_are_scoped_by_host_or_site_parameter(self):
        www_ids = self.ids(self.get("/api/v1/items/", page_size=50))
        assert self.county_item.pk not in www_ids and self.topic.pk in www_ids
        assert self.policy_doc.pk in www_ids
        assert self.ids(self.get("/api/v1/items/", site=BHQ)) == [self.county_item.pk]
        assert self.ids(self.get("/api/v1/items/", site=str(self.bhq.site.pk))) == [self.county_item.pk]
        assert self.ids(self.get("/api/v1/items/", host=BHQ)) == [self.county_item.pk]

    def test_items_newest_first_with_filters(self):
        newest = self.ids(self.get("/api/v1/items/", type="article"))
        assert newest[:3] == [self.repealed.pk, self.policy_doc.pk, self.articles[4].pk]
        assert self.ids(self.get("/api/v1/items/", column=self.news.pk, type="article")) == [
            a.pk for a in reversed(self.articles)
        ]
        assert self.ids(self.get("/api/v1/items/", validity="valid")) == [self.policy_doc.pk]
        assert self.ids(self.get("/api/v1/items/", organisation=self.office.pk)) == [
            self.repealed.pk,
            self.policy_doc.pk,
        ]
        assert self.ids(self.get("/api/v1/items/", category=self.category.pk)) == [self.policy_doc.pk]
        assert self.ids(self.get("/api/v1/items/", type="topic")) == [self.topic.pk]
        in_range = self.ids(
            self.get("/api/v1/items/", type="article", **{"from": "2014-03-02", "to": "2014-03-03"})
        )
        assert in_range == [self.articles[2].pk, self.articles[1].pk]

    def test_list_item_shape(self):
        item = next(i for i in self.get("/api/v1/items/").json()["results"] if i["id"] == self.policy_doc.pk)
        assert item["type"] == "article"
        assert item["url"] == f"http://{WWW}/policy/{self.policy_doc.slug}/"
        assert item["api_url"] == f"http://{WWW}/api/v1/items/{self.policy_doc.pk}/"
        assert item["column"] == {"id": self.policy.pk, "title": "政策文件"}
        assert item["organisation"] == {"id": self.office.pk, "name": "郴州市人民政府办公室"}
        assert item["validity"] == {"value": "valid", "label": "有效"}
        assert item["index_number"]
        small = item["cover"]["renditions"]["small"]
        assert (small["width"], small["height"]) == (240, 150)
        assert small["webp"].startswith(f"http://{WWW}/api/v1/images/") and "format-webp" in small["webp"]
        assert "format-jpeg" in small["jpeg"]

    def test_rendition_urls_serve_the_named_sizes(self):
        item = self.get(f"/api/v1/items/{self.policy_doc.pk}/").json()
        url = item["cover"]["renditions"]["medium"]["webp"]
        response = self.client.get(url.removeprefix(f"http://{WWW}"), HTTP_HOST=WWW)
        assert response.status_code == 302
        rendition = self.cover.renditions.get()
        assert (rendition.width, rendition.file.name.endswith(".webp")) == (480, True)
        forged = url.replace("/api/v1/images/", "/api/v1/images/x")
        assert self.client.get(forged.removeprefix(f"http://{WWW}"), HTTP_HOST=WWW).status_code == 403

    def test_english_site_speaks_english(self):
        data = self.get("/api/v1/items/", host=EN).json()["results"]
        assert [i["id"] for i in data] == [self.en_item.pk]
        assert data[0]["organisation"]["name"] == "General Office of Chenzhou"
        chinese = self.get("/api/v1/items/", host=EN, lang="zh-hans").json()["results"]
        assert chinese[0]["organisation"]["name"] == "郴州市人民政府办公室"
        repealed = self.get("/api/v1/items/", site=WWW, lang="en", validity="repealed").json()["results"]
        assert repealed[0]["validity"] == {"value": "repealed", "label": "Repealed"}

    def test_article_detail_has_clean_absolute_html_images_and_attachments(self):
        data = self.get(f"/api/v1/items/{self.policy_doc.pk}/").json()
        body = data["body"]
        assert "<script" not in body and "onclick" not in body and "alert" not in body
        assert f'href="http://{WWW}/news/{self.articles[0].slug}/"' in body
        assert f'href="http://{WWW}/policy/"' in body
        hrefs = re.findall(r'(?:href|src)="([^"]*)"', body)
        assert hrefs and all(h.startswith("http://") for h in hrefs)
        assert data["images"][0]["alt"] == "机房"
        # A narrow original is never upscaled.
        assert data["images"][0]["renditions"]["large"]["width"] == 200
        assert "附件1：建设规划" in body
        assert data["doc_number"] == "郴政办函〔2014〕82号"
        assert data["written_at"] == "2014-03-01"
        assert data["source"] == "郴州市人民政府办公室"

    def test_topic_detail_has_its_sections(self):
        data = self.get(f"/api/v1/items/{self.topic.pk}/").json()
        kinds = [s["type"] for s in data["sections"]]
        assert kinds == ["banner", "column_feed", "rich_text", "gallery", "video_link", "related_links"]
        banner, feed, text, gallery, video, links = data["sections"]
        assert banner["image"]["alt"] == "两会会场"
        assert [i["id"] for i in feed["items"]] == [a.pk for a in reversed(self.articles)][:3]
        assert text["html"] == "<p>市十五届人大四次会议胜利闭幕。</p>"
        assert [i["alt"] for i in gallery["images"]] == ["图集0", "图集1"]
        assert video["url"].endswith(".mp4")
        assert links["links"][0]["url"] == f"http://{WWW}/policy/{self.policy_doc.slug}/"

    def test_organisations_and_categories(self):
        orgs = self.get("/api/v1/organisations/", lang="en").json()["results"]
        assert {
            "id": self.office.pk,
            "name": "General Office of Chenzhou",
            "credit_code": self.office.credit_code,
            "parent_id": None,
        } in orgs
        cats = self.get("/api/v1/categories/").json()["results"]
        assert cats == [{"id": self.category.pk, "name": "综合政务", "code": "01", "parent_id": None}]

    def test_unpublished_item_is_not_found(self):
        self.articles[0].unpublish()
        response = self.get(f"/api/v1/items/{self.articles[0].pk}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
