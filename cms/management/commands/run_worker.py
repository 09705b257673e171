"""manage.py run_worker: the embedded background worker with its clock."""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms.clock import tick


class Command(BaseCommand):
    help = "运行后台任务进程（数据库任务队列），并按时触发定时发布/下线等周期任务。"

    def handle(self, *args, **options):
        stop = threading.Event()
        clock = threading.Thread(
            target=tick, args=(stop, settings.SCHEDULED_PUBLISHING_INTERVAL), daemon=True
        )
        clock.start()
        try:
            call_command("db_worker", interval=1, reload=False, queue_name="*")
        finally:
            stop.set()
