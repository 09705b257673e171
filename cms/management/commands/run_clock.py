"""manage.py run_clock: the clock alone, for installations whose workers are RQ workers."""

import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from cms.clock import tick


class Command(BaseCommand):
    help = "只运行周期任务时钟（生产环境中与 RQ 工作进程配合使用，全站只运行一个）。"

    def handle(self, *args, **options):
        stop = threading.Event()
        try:
            tick(stop, settings.SCHEDULED_PUBLISHING_INTERVAL)
        except KeyboardInterrupt:
            stop.set()
