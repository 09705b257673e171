"""Anonymous throttling (rate from the settings) and CORS allowed per site: a browser
origin may call a site's API only if that site's App 接口设置 lists it."""

from django.test import TestCase, override_settings

from channels.api.models import ApiKey, ApiSiteSettings
from tests.factories import make_column, make_site

from .conftest import BHQ, WWW

APP = "https://m.czs.gov.cn"


class LimitsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_site(WWW, "郴州市人民政府", code="4310000001")
        cls.bhq = make_site(BHQ, "北湖区人民政府", code="4310020001")
        make_column(cls.www.home, "工作动态")
        settings_row = ApiSiteSettings.for_site(cls.www.site)
        settings_row.cors_origins = f"{APP}\nhttps://www.czs.gov.cn/\n"
        settings_row.save()

    @override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"portal_api_anon": "3/min"}})
    def test_anonymous_readers_are_throttled_from_the_settings(self):
        for _ in range(3):
            assert self.client.get("/api/v1/columns/", HTTP_HOST=WWW).status_code == 200
        refused = self.client.get("/api/v1/items/", HTTP_HOST=WWW)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/problem+json" and int(refused["Retry-After"]) > 0
        # Another client address has its own allowance.
        assert self.client.get("/api/v1/columns/", HTTP_HOST=WWW, REMOTE_ADDR="10.0.0.9").status_code == 200
        # A write API key's system is not throttled as anonymous.
        _, raw = ApiKey.issue(site=self.www.site, name="报送")
        answer = self.client.get(
            "/api/v1/submissions/none/", HTTP_HOST=WWW, HTTP_AUTHORIZATION=f"Bearer {raw}"
        )
        assert answer.status_code == 404

    @override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"portal_api_anon": "2/min"}})
    def test_the_search_endpoints_are_throttled_like_the_rest_of_the_api(self):
        for url in ("/api/v1/search/?q=政务", "/api/v1/search/autocomplete/?q=zw"):
            assert self.client.get(url, HTTP_HOST=WWW, REMOTE_ADDR="10.0.0.7").status_code == 200
        refused = self.client.get("/api/v1/search/hot/", HTTP_HOST=WWW, REMOTE_ADDR="10.0.0.7")
        assert refused.status_code == 429 and refused["Content-Type"] == "application/problem+json"

    def test_cors_allows_the_sites_listed_origins_only(self):
        allowed = self.client.get("/api/v1/items/", HTTP_HOST=WWW, HTTP_ORIGIN=APP)
        assert allowed["Access-Control-Allow-Origin"] == APP
        assert (
            "ETag" in allowed["Access-Control-Expose-Headers"]
            or "etag" in allowed["Access-Control-Expose-Headers"]
        )
        trailing = self.client.get("/api/v1/items/", HTTP_HOST=WWW, HTTP_ORIGIN="https://www.czs.gov.cn")
        assert trailing["Access-Control-Allow-Origin"] == "https://www.czs.gov.cn"
        stranger = self.client.get("/api/v1/items/", HTTP_HOST=WWW, HTTP_ORIGIN="https://evil.example")
        assert "Access-Control-Allow-Origin" not in stranger
        # The county site did not list the app: its API is closed to that origin.
        county = self.client.get("/api/v1/items/", HTTP_HOST=BHQ, HTTP_ORIGIN=APP)
        assert "Access-Control-Allow-Origin" not in county
        by_param = self.client.get("/api/v1/items/", {"site": BHQ}, HTTP_HOST=WWW, HTTP_ORIGIN=APP)
        assert "Access-Control-Allow-Origin" not in by_param
        preflight = self.client.options(
            "/api/v1/items/", HTTP_HOST=WWW, HTTP_ORIGIN=APP, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
        )
        assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == APP
        # The web pages are not affected.
        page = self.client.get("/", HTTP_HOST=WWW, HTTP_ORIGIN=APP)
        assert "Access-Control-Allow-Origin" not in page
