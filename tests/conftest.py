"""Fixtures shared by the whole suite."""

import pytest
from wagtail.models import Page, Site


@pytest.fixture(autouse=True)
def _no_welcome_site(db):
    """Wagtail's migrations create a placeholder default site; the cluster has its own."""
    Site.objects.all().delete()
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
