"""Which site a public request is for, remembered by each process between requests.

Every public request asks which site its host names (Wagtail's `Site.find_for_request`: a
query ranking every site against the host) and for that site's profile
(`SiteProfile.for_request`: a get_or_create). On the dynamic path that is two of an
article's seven queries and, measured, about half of what the cheapest answer of the stack
(a redirect) costs. Both change only when someone edits a site, its profile or a site's
home page, so each process keeps the answers per host and port, with one shared token (in
the cache every process reads) replaced by each such edit: a request reads that token (one
cache read) and takes the remembered answer only when it is unchanged. A token is random,
never a count, so a cache that lost it (cleared, restarted) cannot bring an old one back.

Each request gets fresh model instances built from the remembered column values, so
nothing one request caches on its site, profile or home page (`.specific`, related
objects) reaches another. The token is replaced when the edit happens and again when its
transaction commits, so a process that read the row in between (the old values, under
the new token) reads it again.

Switched on by `SITE_MEMO` (production and the tests); it needs a cache all processes
share, so the embedded `make serve` (a per-process cache, a web process and a worker) leaves
it off and asks the database every time, as Wagtail does.
"""

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from .models import SiteProfile
from .shared_token import SharedToken

TOKEN = SharedToken("portal:sites:generation")
# A bound on the remembered hosts: Host headers come from clients.
MAX_HOSTS = 500

_memo = {"generation": None, "hosts": {}, "root_paths": None}
# Where Wagtail keeps the sites' root paths on the object a URL is built for (the request):
# without it, the first URL a request builds reads them from the shared cache.
_ROOT_PATHS_ATTR = "_wagtail_cached_site_root_paths"


def enabled():
    return bool(getattr(settings, "SITE_MEMO", False))


def move_on():
    """Every process's remembered sites are stale from now."""
    TOKEN.replace()


def _values(instance):
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def _build(model, values):
    names = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(model.objects.db, names, values)


def _look_up(request):
    """What Wagtail answers for `request`: (site values, home page values, profile values)."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    return _values(site), _values(site.root_page), _values(SiteProfile.for_request(request))


def attach(request):
    """Set the request's site (as Site.find_for_request keeps it) and its profile (as
    SiteProfile.for_request keeps it); returns the site or None. With SITE_MEMO off, it is
    Wagtail's own lookup."""
    if not enabled():
        return Site.find_for_request(request)
    generation = TOKEN.read(request)
    if _memo["generation"] != generation:
        _memo.update(generation=generation, hosts={}, root_paths=None)
    hosts = _memo["hosts"]
    key = (request._get_raw_host(), request.get_port())
    if key not in hosts:
        if len(hosts) >= MAX_HOSTS:
            hosts.clear()
        hosts[key] = _look_up(request)
    found = hosts[key]
    if found is None:
        request._wagtail_site = None
        return None
    site_values, root_values, profile_values = found
    site = _build(Site, site_values)
    # The home page as Wagtail's lookup gives it (select_related): a plain Page.
    site._state.fields_cache["root_page"] = _build(Page, root_values)
    profile = _build(SiteProfile, profile_values)
    profile._request = request
    request._wagtail_site = site
    setattr(request, SiteProfile.get_cache_attr_name(), profile)
    # The sites' root paths (Site.get_site_root_paths) change with the same edits; Wagtail
    # only reads them, so every request of this generation shares one list.
    if _memo["root_paths"] is None:
        _memo["root_paths"] = Site.get_site_root_paths()
    setattr(request, _ROOT_PATHS_ATTR, _memo["root_paths"])
    return site


def site_root_paths(request):
    """Site.get_site_root_paths(), as remembered for `request` when it was (a DRF request
    reads its Django request's attributes)."""
    found = getattr(request, _ROOT_PATHS_ATTR, None)
    return found if found is not None else Site.get_site_root_paths()


def _edited(**kwargs):
    """A Site, SiteProfile or site root changed: Wagtail's cached root paths go when the
    edit commits, before the token is replaced, so no process reads the old ones under the
    new token (Wagtail drops them at the save, when another process could still put the
    old rows back before the commit)."""
    transaction.on_commit(Site.clear_site_root_paths_cache)
    TOKEN.replace_on_edit()


def _page_saved(sender, instance, created=False, raw=False, **kwargs):
    # A site's home page is remembered, and the root paths name its translations too: a new
    # page is a site root only as a translation of one, on the home pages' level. Wagtail's
    # Page.save asks is_site_root() too, for its cache of the sites' root paths.
    if raw or not isinstance(instance, Page) or (created and instance.depth > 2):
        return
    if instance.is_site_root():
        _edited()


def connect():
    """Replace the token whenever a remembered answer may change (ClusterConfig.ready)."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    for model in (Site, SiteProfile):
        post_save.connect(_edited, sender=model, dispatch_uid=f"portal_site_memo_save_{model.__name__}")
        post_delete.connect(_edited, sender=model, dispatch_uid=f"portal_site_memo_delete_{model.__name__}")
    post_save.connect(_page_saved, dispatch_uid="portal_site_memo_page")
    # A flush (and a migration) changes rows without saving models.
    post_migrate.connect(TOKEN.replace_on_edit, dispatch_uid="portal_site_memo_migrate")
