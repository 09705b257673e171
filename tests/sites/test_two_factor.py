"""Two-factor admin login (sites/two_factor.py, issue 14): a user sets up a TOTP
authenticator from the admin; from then on the password alone opens no admin page (and
leaves them anonymous on the public site) until the code is given; wrong codes are refused
and limited like wrong passwords (django-axes keeps counting, a password login does not
reset the code count); superusers are sent to the setup page first where it is required
(production); users without an authenticator are not affected where it is not."""

import re
import time
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_article, make_column, make_site, make_user
from tests.production import production_settings

HOST = "otp.test.localhost"
PASSWORD = "right-password-2014"
ADDRESS = "203.0.113.77"


def code(device, steps=0):
    """The device's code `steps` time steps from now (django-otp refuses a step it has
    already accepted, so a second login in the same test uses the next one)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():06d}"


def wrong(device):
    right = {code(device, s) for s in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1000)) if c not in right)


class TwoFactorCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = make_site(HOST)
        cls.column = make_column(cls.site.home, "工作动态")
        cls.article = make_article(cls.column, "郴州市召开政务公开工作会议")
        cls.editor = make_user("otp_editor", is_staff=False)
        cls.editor.user_permissions.add(*_admin_access())
        cls.root = make_user("otp_root", superuser=True)
        for user in (cls.editor, cls.root):
            user.set_password(PASSWORD)
            user.save()

    def setUp(self):
        cache.clear()  # the code limits live in the cache

    def get(self, path, **extra):
        return self.client.get(path, HTTP_HOST=HOST, REMOTE_ADDR=ADDRESS, **extra)

    def post(self, path, data, **extra):
        return self.client.post(path, data, HTTP_HOST=HOST, REMOTE_ADDR=ADDRESS, **extra)

    def login(self, user, password=PASSWORD):
        return self.post("/admin/login/", {"username": user.get_username(), "password": password})

    def enrol(self, user):
        """Set up an authenticator through the pages, as the user would; returns it."""
        self.login(user)
        page = self.get("/admin/two-factor/setup/")
        assert page.status_code == 200
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        response = self.post("/admin/two-factor/setup/", {"code": code(device)})
        assert response.status_code == 302, response.content.decode()[:500]
        self.client.logout()
        device.refresh_from_db()
        return device


def _admin_access():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")


class SetUpAndLogIn(TwoFactorCase):
    def test_a_user_without_an_authenticator_is_not_asked_for_a_code(self):
        assert self.login(self.editor).status_code == 302
        assert self.get("/admin/").status_code == 200
        # The account page offers the setting.
        account = self.get("/admin/account/").content.decode()
        assert "两步验证" in account and "/admin/two-factor/" in account
        assert "未启用" in self.get("/admin/two-factor/").content.decode()

    def test_setup_shows_the_qr_code_and_secret_and_a_right_code_confirms_it(self):
        self.login(self.editor)
        page = self.get("/admin/two-factor/setup/")
        html = page.content.decode()
        device = TOTPDevice.objects.get(user=self.editor)
        assert not device.confirmed
        assert '<svg role="img"' in html and "<title>身份验证器二维码</title>" in html
        secret = re.search(r"<code data-two-factor-secret>([A-Z2-7 ]+)</code>", html).group(1)
        assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32
        assert "otpauth://totp/" in device.config_url and "issuer=" in device.config_url
        # A wrong code, or one that is not six digits, is refused in Chinese.
        refused = self.post("/admin/two-factor/setup/", {"code": wrong(device)})
        assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
        assert (
            "验证码应为 6 位数字" in self.post("/admin/two-factor/setup/", {"code": "12ab"}).content.decode()
        )
        TOTPDevice.objects.update(throttling_failure_timestamp=None)  # past django-otp's wait
        done = self.post("/admin/two-factor/setup/", {"code": code(device)})
        assert done.status_code == 302 and done["Location"] == "/admin/two-factor/"
        device.refresh_from_db()
        assert device.confirmed
        # This session gave the code: it goes on without being asked again.
        assert self.get("/admin/").status_code == 200
        assert "已启用" in self.get("/admin/two-factor/").content.decode()

    def test_after_setup_the_password_alone_opens_no_admin_page(self):
        device = self.enrol(self.editor)
        assert self.login(self.editor).status_code == 302
        for path in ("/admin/", "/admin/pages/", "/admin/account/", "/admin/two-factor/"):
            response = self.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith("/admin/two-factor/verify/?next="), path
        # Nor can a new authenticator be added with the password alone.
        setup = self.get("/admin/two-factor/setup/")
        assert setup["Location"].startswith("/admin/two-factor/verify/")
        assert TOTPDevice.objects.filter(user=self.editor).count() == 1
        # On the public site the half-logged-in user is anonymous: no user bar.
        public = self.get(self.article.url)
        assert public.status_code == 200 and "wagtail-userbar" not in public.content.decode()
        # The code page, in Chinese; the right code opens the page first asked for.
        page = self.get("/admin/two-factor/verify/?next=/admin/pages/")
        assert "两步验证" in page.content.decode() and 'autocomplete="one-time-code"' in page.content.decode()
        done = self.post("/admin/two-factor/verify/", {"code": code(device, 1), "next": "/admin/pages/"})
        assert done.status_code == 302 and done["Location"] == "/admin/pages/"
        assert self.get("/admin/").status_code == 200
        assert "wagtail-userbar" in self.get(self.article.url).content.decode()

    def test_a_code_is_accepted_once(self):
        device = self.enrol(self.editor)
        used = code(device, 1)
        self.login(self.editor)
        assert self.post("/admin/two-factor/verify/", {"code": used}).status_code == 302
        self.client.logout()
        self.login(self.editor)
        again = self.post("/admin/two-factor/verify/", {"code": used})
        assert again.status_code == 200 and "验证码不正确" in again.content.decode()

    def test_next_may_not_leave_the_site(self):
        device = self.enrol(self.editor)
        self.login(self.editor)
        done = self.post(
            "/admin/two-factor/verify/", {"code": code(device, 1), "next": "https://evil.example/admin/"}
        )
        assert done["Location"] == "/admin/"

    def test_a_user_can_switch_it_off_with_a_code(self):
        device = self.enrol(self.editor)
        self.login(self.editor)
        self.post("/admin/two-factor/verify/", {"code": code(device, 1)})
        TOTPDevice.objects.update(last_t=-1)  # let the same step be used once more
        off = self.post("/admin/two-factor/", {"code": code(device, 1)})
        assert off.status_code == 302
        assert not TOTPDevice.objects.filter(user=self.editor).exists()
        self.client.logout()
        self.login(self.editor)
        assert self.get("/admin/").status_code == 200

    def test_the_reset_command_removes_a_lost_authenticator(self):
        self.enrol(self.editor)
        out = StringIO()
        call_command("two_factor_reset", "otp_editor", stdout=out)
        assert "已删除" in out.getvalue()
        self.login(self.editor)
        assert self.get("/admin/").status_code == 200


class WrongCodes(TwoFactorCase):
    def test_a_wrong_code_is_refused_and_the_device_throttles(self):
        device = self.enrol(self.editor)
        self.login(self.editor)
        refused = self.post("/admin/two-factor/verify/", {"code": wrong(device)})
        html = refused.content.decode()
        assert refused.status_code == 200 and "验证码不正确" in html and "再错 4 次" in html
        assert self.get("/admin/").status_code == 302
        # django-otp's throttle: right away, even the right code waits.
        throttled = self.post("/admin/two-factor/verify/", {"code": code(device, 1)})
        assert throttled.status_code == 200 and "尝试过于频繁" in throttled.content.decode()
        assert self.get("/admin/").status_code == 302

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
    def test_five_wrong_codes_lock_the_login_like_wrong_passwords(self):
        device = self.enrol(self.editor)
        self.login(self.editor)
        for _ in range(4):
            assert self.post("/admin/two-factor/verify/", {"code": wrong(device)}).status_code == 200
        locked = self.post("/admin/two-factor/verify/", {"code": wrong(device)})
        assert locked.status_code == 429 and "锁定" in locked.content.decode()
        assert "_auth_user_id" not in self.client.session  # the half-finished login ended
        # django-axes counted the wrong codes: the password is refused too while the lock lasts.
        assert self.login(self.editor).status_code == 429
        # Another address is not locked (per user and address, as for passwords) ...
        other = self.client.post(
            "/admin/login/",
            {"username": "otp_editor", "password": PASSWORD},
            HTTP_HOST=HOST,
            REMOTE_ADDR="198.51.100.9",
        )
        assert other.status_code == 302

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
    def test_a_password_login_does_not_reset_the_code_count(self):
        device = self.enrol(self.editor)
        self.login(self.editor)
        for _ in range(4):
            self.post("/admin/two-factor/verify/", {"code": wrong(device)})
        self.client.logout()
        # The password is right, so django-axes resets its own count ...
        assert self.login(self.editor).status_code == 302
        # ... but one more wrong code still makes five.
        assert self.post("/admin/two-factor/verify/", {"code": wrong(device)}).status_code == 429
        # While the lock lasts, a right password leads only to the lock again.
        assert self.login(self.editor).status_code == 302
        again = self.get("/admin/two-factor/verify/")
        assert again.status_code == 429 and "_auth_user_id" not in self.client.session

    @override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
    def test_a_right_code_resets_the_count(self):
        device = self.enrol(self.editor)
        self.login(self.editor)
        for _ in range(4):
            self.post("/admin/two-factor/verify/", {"code": wrong(device)})
        assert self.post("/admin/two-factor/verify/", {"code": code(device, 1)}).status_code == 302
        self.client.logout()
        self.login(self.editor)
        for _ in range(4):
            assert self.post("/admin/two-factor/verify/", {"code": wrong(device)}).status_code == 200


@override_settings(ADMIN_OTP_REQUIRED_FOR_SUPERUSERS=True)
class RequiredForSuperusers(TwoFactorCase):
    def test_a_superuser_without_an_authenticator_must_set_one_up_first(self):
        self.login(self.root)
        for path in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/two-factor/"):
            response = self.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith("/admin/two-factor/setup/?next="), path
        page = self.get("/admin/two-factor/setup/?next=/admin/users/").content.decode()
        assert "超级管理员必须启用两步验证" in page and "暂不设置" not in page
        device = TOTPDevice.objects.get(user=self.root)
        done = self.post("/admin/two-factor/setup/", {"code": code(device), "next": "/admin/users/"})
        assert done["Location"] == "/admin/users/"
        assert self.get("/admin/users/").status_code == 200
        # It cannot be switched off.
        assert "不能停用" in self.get("/admin/two-factor/").content.decode()
        self.post("/admin/two-factor/", {"code": code(device, 1)})
        assert TOTPDevice.objects.filter(user=self.root, confirmed=True).exists()

    def test_other_users_are_not_affected(self):
        self.login(self.editor)
        assert self.get("/admin/").status_code == 200


def test_production_requires_two_factor_login_for_superusers():
    assert production_settings("settings.ADMIN_OTP_REQUIRED_FOR_SUPERUSERS") == ["True"]


def test_elsewhere_it_is_optional(settings):
    assert settings.ADMIN_OTP_REQUIRED_FOR_SUPERUSERS is False
