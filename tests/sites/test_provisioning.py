import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from wagtail.models import Site

from sites.models import SiteProfile
from sites.validators import validate_site_code
from tests.factories import make_site


@pytest.mark.parametrize("code", ["4310000001", "1100000001", "bm12345678"])
def test_valid_site_codes(code):
    validate_site_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "431000000",
        "43100000011",
        "bm1234567",
        "BM12345678",
        "431000000a",
        "9910000001",
        " 4310000001",
        "bm123456789",
    ],
)
def test_invalid_site_codes_are_rejected_in_chinese(code):
    with pytest.raises(ValidationError) as exc:
        validate_site_code(code)
    assert "网站标识码" in exc.value.messages[0]


@pytest.mark.django_db
def test_provision_creates_site_home_groups_and_workflow():
    result = make_site("bhq.test.localhost", "北湖区人民政府", code="4310020001")
    assert result.site.root_page_id == result.home.pk
    assert result.home.live
    assert SiteProfile.for_site(result.site).site_code == "4310020001"
    assert set(result.groups) == {"editor", "reviewer", "approver"}
    steps = [t.name for t in result.workflow.tasks]
    assert steps == ["北湖区人民政府·初审", "北湖区人民政府·终审"]
    assert result.home.default_news_workflow_id == result.workflow.pk


@pytest.mark.django_db
def test_provision_twice_changes_nothing():
    make_site("bhq.test.localhost", "北湖区人民政府", code="4310020001")
    before = (Site.objects.count(), SiteProfile.objects.count())
    make_site("bhq.test.localhost", "北湖区人民政府", code="4310020001")
    assert (Site.objects.count(), SiteProfile.objects.count()) == before


@pytest.mark.django_db
def test_provision_command_rejects_bad_code_and_writes_nothing():
    with pytest.raises(CommandError, match="网站标识码"):
        call_command("provision_site", hostname="x.test.localhost", name="X", code="12345", host_org="Y")
    assert not Site.objects.filter(hostname="x.test.localhost").exists()
