"""The monitor's dashboard on the demo cluster for a county editor: only their site, and
another site's page is a 404 (the scan of the demo itself is a journey:
tests/demo/journeys/test_monitor_scan.py). The demo is loaded once for the package
(tests/demo/conftest.py)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Site

from demo.plan import SITE_BY_KEY
from sites.provisioning import group_name
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_county_editor_sees_only_their_site(client):
    county = Site.objects.get(hostname=SITE_BY_KEY["bhq"].hostname)
    editor = make_user("bhq_monitor_editor", Group.objects.get(name=group_name(county.site_name, "editor")))
    client.force_login(editor)
    page = client.get("/admin/monitoring/").content.decode()
    other = Site.objects.get(hostname=SITE_BY_KEY["www"].hostname)
    assert county.hostname in page and other.hostname not in page
    assert client.get(f"/admin/monitoring/site/{other.pk}/").status_code == 404
    assert client.get(f"/admin/monitoring/site/{county.pk}/").status_code == 200
