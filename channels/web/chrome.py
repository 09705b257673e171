"""A site's chrome: what every one of its pages shows besides its own content — the site's
name, its profile (the footer's sponsor, contacts and filings, the meta tags, the theme
colour) and its menu (the home page's live children shown in menus).

With static publishing, a change to the chrome makes every file of the site stale, and
most of those changes leave no trace a delivery would hear: a profile is a site setting,
saved without a page revision; a menu column renamed rewrites the column's lists but not
the thousands of articles whose menu names it. So the clock compares each site's chrome
with the one its files were written with (`fingerprint`, kept in PublishedChrome), and
when it differs queues the whole site to be written again, in batches spread over the
workers as `publish_static --queue` does.
"""

import hashlib
import json

from django.forms.models import model_to_dict

from cms.tree import menu_pages
from sites.models import SiteProfile

from .models import PublishedChrome


def fingerprint(site):
    """A hash of everything the site's chrome shows (three small queries)."""
    profile = SiteProfile.objects.filter(site=site).first()
    menu = list(menu_pages(site.root_page).values_list("pk", "title", "url_path"))
    shown = {
        "site": [site.hostname, site.port, site.site_name, site.root_page_id],
        "profile": model_to_dict(profile) if profile else None,
        "menu": menu,
    }
    encoded = json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def record(site):
    """Note that the site's files are being written with its current chrome."""
    PublishedChrome.objects.update_or_create(site=site, defaults={"fingerprint": fingerprint(site)})


def note_change(site):
    """True if the site's chrome differs from the one its files were written with, after
    noting the new one. Call it inside the transaction that queues the site's files, so a
    failed enqueue keeps the old fingerprint and the next tick tries again. A site seen for
    the first time is only noted: its files come from deliveries or publish_static, which
    render the chrome of their moment."""
    now = fingerprint(site)
    kept, created = PublishedChrome.objects.select_for_update().get_or_create(
        site=site, defaults={"fingerprint": now}
    )
    if created or kept.fingerprint == now:
        return False
    kept.fingerprint = now
    kept.save(update_fields=["fingerprint", "noted_at"])
    return True
