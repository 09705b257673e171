"""One client address for every limit (issue 14): a forged X-Forwarded-For neither escapes
the API's throttle nor, behind the configured proxies, merges citizens into one bucket;
the admin login locks a user name after repeated wrong passwords from one address."""

from django.core.cache import cache
from django.test import RequestFactory, TestCase, override_settings

from sites.client_address import client_address
from tests.factories import make_column, make_site, make_user

HOST = "clients.test.localhost"


def request(remote="203.0.113.9", forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address(request(forwarded="1.2.3.4")) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_counts_and_forged_entries_do_not():
    # nginx appends the address it saw; whatever the client sent stays on the left.
    assert client_address(request(remote="10.0.0.2", forwarded="1.2.3.4, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request(remote="10.0.0.2", forwarded="198.51.100.7")) == "198.51.100.7"
    assert client_address(request(remote="10.0.0.2")) == "10.0.0.2"


class ThrottleAndLockout(TestCase):
    @classmethod
    def setUpTestData(cls):
        site = make_site(HOST)
        make_column(site.home, "工作动态")
        cls.user = make_user("clerk", superuser=True)
        cls.user.set_password("right-password-2014")
        cls.user.save()

    @override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"portal_api_anon": "2/min"}})
    def test_a_forged_forwarded_for_does_not_escape_the_api_throttle(self):
        codes = [
            self.client.get(
                "/api/v1/columns/", HTTP_HOST=HOST, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"
            ).status_code
            for n in range(3)
        ]
        assert codes == [200, 200, 429]

    @override_settings(
        REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"portal_api_anon": "1/min"}}, TRUSTED_PROXY_COUNT=1
    )
    def test_behind_the_proxy_two_citizens_have_their_own_allowance(self):
        for citizen in ("198.51.100.1", "198.51.100.2"):
            response = self.client.get(
                "/api/v1/columns/", HTTP_HOST=HOST, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=citizen
            )
            assert response.status_code == 200, citizen

    def setUp(self):
        # Throttle histories and lockouts live in the cache: start each test without others'.
        cache.clear()

    def login(self, password):
        return self.client.post(
            "/admin/login/",
            {"username": "clerk", "password": password},
            HTTP_HOST=HOST,
            REMOTE_ADDR="203.0.113.50",
        )

    def test_the_admin_login_locks_after_repeated_wrong_passwords(self):
        for _ in range(4):
            assert self.login("wrong").status_code == 200  # the form again, with its error
        locked = self.login("wrong")
        assert locked.status_code == 429 and "锁定" in locked.content.decode()
        # Even the right password is refused while the lock lasts.
        assert self.login("right-password-2014").status_code == 429
        assert "_auth_user_id" not in self.client.session
