"""Scan sites of the cluster now and print their scorecards, the time taken and the
request rate: `manage.py monitor_scan --all` or `--site www.example.gov.cn`."""

import time

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

from monitoring.models import Scan
from monitoring.scan import monitored_sites, scan_site


class Command(BaseCommand):
    help = "Scan sites of the cluster against the national inspection indicators and print their scores."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every monitored site")
        parser.add_argument("--site", action="append", default=[], help="a site's hostname (repeatable)")

    def handle(self, *args, **options):
        if options["all"]:
            sites = monitored_sites()
        elif options["site"]:
            sites = list(Site.objects.filter(hostname__in=options["site"]).order_by("hostname"))
            missing = set(options["site"]) - {site.hostname for site in sites}
            if missing:
                raise CommandError(f"no such site: {', '.join(sorted(missing))}")
        else:
            raise CommandError("give --all or --site HOSTNAME")
        started = time.monotonic()
        requests = 0
        for site in sites:
            site_started = time.monotonic()
            scan = scan_site(site, trigger=Scan.Trigger.MANUAL)
            elapsed = time.monotonic() - site_started
            requests += scan.requests
            self.report(site, scan, elapsed)
        total = time.monotonic() - started
        rate = requests / total if total else 0
        self.stdout.write(
            f"Scanned {len(sites)} sites in {total:.1f} s: {requests} requests, {rate:.1f} requests/s overall."
        )

    def report(self, site, scan, elapsed):
        verdict = "PASS" if scan.passed else "FAIL"
        rate = scan.requests / elapsed if elapsed else 0
        self.stdout.write(
            f"{site.hostname}: {scan.score:g} points, {verdict}; {scan.requests} requests in {elapsed:.1f} s "
            f"({rate:.1f}/s)"
        )
        for line in scan.result.get("vetoes", []):
            self.stdout.write(f"  veto    {line['check']}: {line['title']}")
        for line in scan.result.get("warnings", []):
            self.stdout.write(f"  warning {line['check']}: {line['title']}")
        for line in scan.result.get("deductions", []):
            self.stdout.write(f"  -{line['points']:g}   {line['check']}: {line['title']} × {line['count']}")
        open_counts = scan.result.get("open_findings") or {}
        if open_counts:
            listed = ", ".join(f"{check} {count}" for check, count in sorted(open_counts.items()))
            self.stdout.write(f"  open findings: {listed}")
        if scan.error:
            self.stdout.write(f"  errors: {scan.error.strip()}")
