"""Settings of the reminder process the crash test starts: the test settings on the test
process's database (PORTAL_TEST_DB_NAME), mail through tests.interaction.reminder_mail."""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES

DATABASES["default"]["NAME"] = os.environ["PORTAL_TEST_DB_NAME"]
EMAIL_BACKEND = "tests.interaction.reminder_mail.CrashingFileBackend"
