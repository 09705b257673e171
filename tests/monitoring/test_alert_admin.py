"""Alert recipients in the admin (monitoring.alert_admin): a superuser manages every
recipient, the recipients of every site included; a site's editor with the model's
permissions manages only their own site's, is offered only their site and cannot make a
recipient of every site; another site's recipient is a 404; without the permissions the
screens are refused. All in Chinese."""

from django.contrib.auth.models import Permission
from django.test import TestCase
from django.urls import reverse

import monitoring.alert_admin  # noqa: F401 - registers the viewset, as monitoring.wagtail_hooks does
from monitoring.models import AlertRecipient
from tests.factories import make_site, make_user

INDEX = "alert_recipients:index"


class AlertAdminTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = make_site(hostname="www.alert-city.localhost", name="郴州市人民政府", slug="alert-city")
        cls.county = make_site(
            hostname="www.alert-county.localhost", name="北湖区人民政府", slug="alert-county"
        )
        cls.admin = make_user("alert-admin", superuser=True)
        cls.county_webmaster = make_user("alert-county", cls.county.groups["editor"])
        cls.county_webmaster.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="monitoring", codename__endswith="_alertrecipient"
            )
        )
        cls.county_plain_editor = make_user("alert-plain", cls.county.groups["editor"])
        cls.everyone = AlertRecipient.objects.create(name="集群值班室", email="duty@example.gov.cn")
        cls.city_person = AlertRecipient.objects.create(
            site=cls.city.site, name="市网站管理员", email="city@example.gov.cn"
        )
        cls.county_person = AlertRecipient.objects.create(
            site=cls.county.site, name="区网站管理员", wechat_openid="o-county-openid"
        )

    def as_user(self, user):
        self.client.force_login(user)
        return self.client

    def test_superuser_sees_every_recipient(self):
        response = self.as_user(self.admin).get(reverse(INDEX))
        assert response.status_code == 200
        html = response.content.decode()
        assert "告警接收人" in html
        assert "集群值班室" in html and "市网站管理员" in html and "区网站管理员" in html

    def test_superuser_may_make_a_recipient_of_every_site(self):
        response = self.as_user(self.admin).post(
            reverse("alert_recipients:add"),
            {
                "site": "",
                "name": "督查室",
                "email": "dc@example.gov.cn",
                "wechat_openid": "",
                "daily_digest": "on",
            },
        )
        assert response.status_code == 302
        assert AlertRecipient.objects.get(name="督查室").site is None

    def test_county_webmaster_sees_and_edits_only_their_sites_recipients(self):
        client = self.as_user(self.county_webmaster)
        html = client.get(reverse(INDEX)).content.decode()
        assert "区网站管理员" in html
        assert "市网站管理员" not in html and "集群值班室" not in html
        assert client.get(reverse("alert_recipients:edit", args=[self.county_person.pk])).status_code == 200
        for recipient in (self.city_person, self.everyone):
            for view in ("edit", "delete", "history", "usage"):
                response = client.get(reverse(f"alert_recipients:{view}", args=[recipient.pk]))
                assert response.status_code == 404, (view, recipient)
            response = client.post(
                reverse("alert_recipients:edit", args=[recipient.pk]),
                {"site": self.county.site.pk, "name": "被改", "email": "x@example.gov.cn"},
            )
            assert response.status_code == 404
            assert client.post(reverse("alert_recipients:delete", args=[recipient.pk])).status_code == 404
        assert AlertRecipient.objects.filter(pk=self.city_person.pk, name="市网站管理员").exists()
        assert AlertRecipient.objects.filter(pk=self.everyone.pk).exists()

    def test_county_form_offers_only_their_site_and_no_every_site(self):
        client = self.as_user(self.county_webmaster)
        html = client.get(reverse("alert_recipients:add")).content.decode()
        assert "北湖区人民政府" in html or "www.alert-county.localhost" in html
        assert "www.alert-city.localhost" not in html and "郴州市人民政府" not in html
        assert 'value="">---------</option>' not in html  # no "every site" choice
        assert "接收人" in html  # Chinese form
        # No site: refused (that is the cluster administrators' recipient).
        response = client.post(
            reverse("alert_recipients:add"), {"site": "", "name": "无网站", "email": "a@example.gov.cn"}
        )
        assert response.status_code == 200 and not AlertRecipient.objects.filter(name="无网站").exists()
        # Another site: not a choice.
        response = client.post(
            reverse("alert_recipients:add"),
            {"site": self.city.site.pk, "name": "越权", "email": "b@example.gov.cn"},
        )
        assert response.status_code == 200 and not AlertRecipient.objects.filter(name="越权").exists()
        # Junk site id: a form error, never a 500.
        response = client.post(
            reverse("alert_recipients:add"), {"site": "9" * 30, "name": "乱码", "email": "c@example.gov.cn"}
        )
        assert response.status_code == 200 and not AlertRecipient.objects.filter(name="乱码").exists()
        # Their own site: saved.
        response = client.post(
            reverse("alert_recipients:add"),
            {
                "site": self.county.site.pk,
                "name": "区值班员",
                "email": "d@example.gov.cn",
                "daily_digest": "on",
            },
        )
        assert response.status_code == 302
        assert AlertRecipient.objects.get(name="区值班员").site == self.county.site

    def test_a_recipient_needs_an_address(self):
        response = self.as_user(self.admin).post(
            reverse("alert_recipients:add"), {"site": "", "name": "无地址", "email": "", "wechat_openid": ""}
        )
        assert response.status_code == 200
        assert "请填写电子邮箱或微信 openid" in response.content.decode()
        assert not AlertRecipient.objects.filter(name="无地址").exists()

    def test_county_webmaster_cannot_move_their_recipient_to_another_site(self):
        client = self.as_user(self.county_webmaster)
        response = client.post(
            reverse("alert_recipients:edit", args=[self.county_person.pk]),
            {"site": self.city.site.pk, "name": "区网站管理员", "wechat_openid": "o-county-openid"},
        )
        assert response.status_code == 200
        self.county_person.refresh_from_db()
        assert self.county_person.site == self.county.site

    def test_without_the_permission_refused(self):
        client = self.as_user(self.county_plain_editor)
        response = client.get(reverse(INDEX))
        # The admin's refusal of a PermissionDenied: back to its dashboard.
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
        # Their own site's recipient, but no permission: the same refusal.
        response = client.get(reverse("alert_recipients:edit", args=[self.county_person.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
        # (The delete view looks its object up first: none in their scope, a 404.)
        assert (
            client.post(reverse("alert_recipients:delete", args=[self.county_person.pk])).status_code == 404
        )
        assert AlertRecipient.objects.filter(pk=self.county_person.pk).exists()

    def test_policy_scopes_instances(self):
        from wagtail.permissions import policy_registry

        policy = policy_registry.get_by_type(AlertRecipient)
        mine = policy.instances_user_has_permission_for(self.county_webmaster, "change")
        assert list(mine) == [self.county_person]
        assert policy.user_has_permission_for_instance(self.county_webmaster, "change", self.county_person)
        assert not policy.user_has_permission_for_instance(self.county_webmaster, "change", self.everyone)
        assert not policy.user_has_permission_for_instance(
            self.county_plain_editor, "change", self.county_person
        )
        assert policy.instances_user_has_permission_for(self.admin, "delete").count() == 3
