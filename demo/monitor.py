"""The demo cluster's monitor settings: each site scanned at 20 requests a second (the
demo server is on this machine; production keeps the polite default), the sites without
a mailbox of their own pointed at the portal's 市长信箱 as their shared consultation channel,
the duty office as alert recipient, and the dictionaries' demo words."""

from wagtail.models import Site

from monitoring.models import AlertRecipient, MonitorSettings

from . import monitor_dictionary

DEMO_RATE = 20


def ensure_monitoring(sites, mailbox):
    """`sites`: site key → provisioned site; `mailbox`: the portal's MailboxPage."""
    portal = sites["www"].site
    form_url = portal.root_url + mailbox.relative_url(portal) + mailbox.reverse_subpage("write")
    changed = 0
    for key, provisioned in sites.items():
        site = Site.objects.get(pk=provisioned.site.pk)
        row = MonitorSettings.for_site(site)
        wanted = {"requests_per_second": DEMO_RATE, "consultation_url": "" if key == "www" else form_url}
        if any(getattr(row, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            row.save()
            changed += 1
    changed += AlertRecipient.objects.get_or_create(
        name="市政府网站值班室", defaults={"email": "zhiban@czs.localhost", "daily_digest": True}
    )[1]
    return changed + monitor_dictionary.load()
