"""Whose monitor results a user sees: a cluster administrator (superuser) every site, any
other user the sites whose home page they may edit (what provisioning grants a site's
editor groups, sites.admin_scope). The dashboard, page views, annual reports, the
dictionaries, alert recipients and tamper restore all ask here."""

from django.http import Http404
from django.utils.translation import gettext
from wagtail.models import Site

from sites.admin_scope import editable_pages


def visible_sites(user):
    """The user's sites, the default site first, then by hostname."""
    sites = Site.objects.select_related("root_page").order_by("-is_default_site", "hostname", "port")
    if user.is_superuser:
        return sites
    return sites.filter(root_page__in=editable_pages(user).values("pk"))


def may_see_site(user, site):
    return visible_sites(user).filter(pk=site.pk).exists()


def site_or_404(user, site_id):
    """The user's site `site_id` (an int or its text), else 404 (another site's id too)."""
    site = visible_sites(user).filter(pk=site_id).first() if str(site_id).isdigit() else None
    if site is None:
        raise Http404(gettext("There is no such site among the sites you may see."))
    return site
