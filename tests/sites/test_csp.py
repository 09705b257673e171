"""The Content-Security-Policy header (sites/csp.py, issue 14): every public page type
carries the strict policy (scripts from this origin only, no 'unsafe-inline' for scripts or
styles) and holds no inline script, event handler or style attribute; its one inline
<style> is allowed by exactly its hash. The admin carries its own policy; the API docs
page adds only its template's style hash; production adds the media bucket's origin.
tests/sites/test_csp_browser.py checks the same pages in Chromium."""

import base64
import hashlib
import re

from django.test import RequestFactory, TestCase
from django.urls import reverse

from accessibility import modes
from interaction.interviews import Status
from sites.csp import PortalCSPMiddleware, allow_inline_style, style_hash
from tests.factories import make_article, make_column, make_english_portal, make_portal, make_user
from tests.interaction.builders import make_interview, make_live_entries
from tests.production import production_settings

WWW = "www.csp.test.localhost"
EN = "en.csp.test.localhost"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def directives(header):
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


class PublicPages(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_portal(WWW, theme_colour="#1a73e8")
        cls.en = make_english_portal(EN)
        cls.column = make_column(cls.www.home, "工作动态", slug="news", show_in_menus=True)
        cls.article = make_article(cls.column, "郴州市召开全市政务公开工作会议")
        interviews = make_column(cls.www.home, "在线访谈", slug="zxft", column_type="在线访谈")
        cls.interview = make_interview(interviews, status=Status.LIVE)
        make_live_entries(cls.interview)

    def pages(self):
        article = self.article.get_url_parts()[2]
        interview = self.interview.get_url_parts()[2]
        return [
            (WWW, "/"),
            (WWW, "/news/"),
            (WWW, article),
            (WWW, interview),
            (WWW, "/search/?q=政务公开"),
            (WWW, "/accessibility/"),
            (WWW, "/wap/"),
            (WWW, "/wap" + article),
            (WWW, "/wap" + interview),
            (WWW, "/wap/search/?q=政务公开"),
            (EN, "/"),
        ]

    def test_every_public_page_has_the_strict_policy_and_no_inline_code(self):
        for host, path in self.pages():
            for mode in (modes.STANDARD, modes.TEXT, modes.SENIOR, modes.CONTRAST):
                self.client.cookies[modes.COOKIE_NAME] = mode
                response = self.client.get(path, HTTP_HOST=host)
                where = f"{host}{path} ({mode})"
                assert response.status_code == 200, where
                policy = directives(response["Content-Security-Policy"])
                assert policy["script-src"] == ["'self'"], where
                assert "'unsafe-inline'" not in policy["style-src"], where
                assert "'unsafe-eval'" not in response["Content-Security-Policy"], where
                for name, value in (
                    ("default-src", ["'self'"]),
                    ("object-src", ["'none'"]),
                    ("base-uri", ["'self'"]),
                    ("form-action", ["'self'"]),
                    ("frame-ancestors", ["'self'"]),
                ):
                    assert policy[name] == value, (where, name)
                assert policy["img-src"][:2] == ["'self'", "data:"], where
                html = response.content.decode()
                assert not INLINE_SCRIPT.search(html), (where, INLINE_SCRIPT.search(html))
                assert not EVENT_HANDLER.search(html), (where, EVENT_HANDLER.search(html))
                assert not STYLE_ATTRIBUTE.search(html), (where, STYLE_ATTRIBUTE.search(html))
                # Each inline <style> is allowed by its own hash, and nothing more is.
                hashes = [style_hash(css) for css in INLINE_STYLE.findall(html)]
                assert sorted(policy["style-src"]) == sorted(["'self'", *hashes]), where

    def test_the_theme_style_hash_matches_the_theme(self):
        html = self.client.get("/", HTTP_HOST=WWW).content.decode()
        css = re.search(r"<style>(:root\{[^<]*)</style>", html).group(1)
        assert "--theme:#1a73e8" in css
        expected = "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"
        header = self.client.get("/", HTTP_HOST=WWW)["Content-Security-Policy"]
        assert expected in header

    def test_the_api_docs_page_adds_only_its_own_style(self):
        response = self.client.get("/api/v1/docs/", HTTP_HOST=WWW)
        assert response.status_code == 200
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html)
        assert '<script src="/api/v1/docs/?script=' in html
        policy = directives(response["Content-Security-Policy"])
        (css,) = INLINE_STYLE.findall(html)
        assert policy["style-src"] == ["'self'", style_hash(css)]
        assert policy["script-src"] == ["'self'"]
        script = self.client.get("/api/v1/docs/?script=", HTTP_HOST=WWW)
        assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
        # Other pages do not get the docs page's allowance.
        assert style_hash(css) not in self.client.get("/", HTTP_HOST=WWW)["Content-Security-Policy"]


class AdminPolicy(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.www = make_portal(WWW)
        cls.admin = make_user("csp_root", superuser=True)

    def test_the_admin_has_its_own_policy(self):
        self.client.force_login(self.admin)
        for path in ("/admin/", "/admin/login/", reverse("wagtailadmin_pages:edit", args=[self.www.home.pk])):
            response = self.client.get(path, HTTP_HOST=WWW)
            assert response.status_code in (200, 302), path
            policy = directives(response["Content-Security-Policy"])
            assert policy["default-src"] == ["'self'"]
            assert policy["object-src"] == ["'none'"]
            assert policy["frame-ancestors"] == ["'self'"]
            assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
            assert policy["img-src"][:3] == ["'self'", "data:", "blob:"]
            # What Wagtail's own templates need, and nothing else: no eval, no other origin.
            assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
            assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
            assert "'unsafe-eval'" not in response["Content-Security-Policy"]

    def test_the_login_page_is_under_the_admin_policy(self):
        response = self.client.get("/admin/login/", HTTP_HOST=WWW)
        assert "'unsafe-inline'" in directives(response["Content-Security-Policy"])["script-src"]


def test_a_hash_never_switches_off_unsafe_inline():
    """A public template rendered inside the admin (Wagtail's preview) records its style
    hash; under the admin's 'unsafe-inline' policy that hash would switch 'unsafe-inline'
    off for the admin's own inline styles, so it is left out there."""
    from django.http import HttpResponse

    middleware = PortalCSPMiddleware(lambda request: HttpResponse("ok"))
    admin_request = RequestFactory().get("/admin/pages/3/edit/preview/")
    allow_inline_style(admin_request, ":root{--theme:#b5121b}")
    admin = directives(middleware(admin_request)["Content-Security-Policy"])
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]
    public_request = RequestFactory().get("/news/")
    allow_inline_style(public_request, ":root{--theme:#b5121b}")
    public = directives(middleware(public_request)["Content-Security-Policy"])
    assert public["style-src"] == ["'self'", style_hash(":root{--theme:#b5121b}")]


def production_img_src(**extra):
    return production_settings(
        "' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
        "' '.join(settings.ADMIN_CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])",
        **extra,
    )


def test_production_allows_the_media_buckets_origin_for_images():
    assert production_img_src() == ["'self' data:", "'self' data: blob:"]
    public, admin = production_img_src(AWS_STORAGE_BUCKET_NAME="czs-media")
    assert public.split() == ["'self'", "data:", "https://czs-media.s3.amazonaws.com"]
    assert admin.split()[-1] == "https://czs-media.s3.amazonaws.com"
    public, _ = production_img_src(
        AWS_STORAGE_BUCKET_NAME="czs-media", AWS_S3_ENDPOINT_URL="https://oss-cn-hunan.example.com:9000"
    )
    assert public.split()[-1] == "https://oss-cn-hunan.example.com:9000"
    public, _ = production_img_src(
        AWS_STORAGE_BUCKET_NAME="czs-media", AWS_S3_CUSTOM_DOMAIN="media.czs.gov.cn"
    )
    assert public.split()[-1] == "https://media.czs.gov.cn"
    public, _ = production_img_src(CSP_MEDIA_ORIGINS="https://img.czs.gov.cn")
    assert public.split()[-1] == "https://img.czs.gov.cn"


def test_production_media_goes_to_the_named_bucket():
    (storage,) = production_settings(
        "repr((lambda s: (type(s).__name__, s.bucket_name, s.endpoint_url, s.custom_domain))"
        "(__import__('django.core.files.storage', fromlist=['storages']).storages['default']))",
        AWS_STORAGE_BUCKET_NAME="czs-media",
        AWS_S3_ENDPOINT_URL="https://oss-cn-hunan.example.com:9000",
    )
    assert storage == "('S3Storage', 'czs-media', 'https://oss-cn-hunan.example.com:9000', None)"
