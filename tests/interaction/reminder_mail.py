"""An email backend for the reminder crash test: writes each message to a file in
REMINDER_MAIL_DIR, and with REMINDER_CRASH_AFTER=n ends the process (os._exit: no
clean-up, no finally blocks, like a killed worker) right after the n-th message."""

import os
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_sent = 0


class CrashingFileBackend(BaseEmailBackend):
    def send_messages(self, messages):
        global _sent
        folder = Path(os.environ["REMINDER_MAIL_DIR"])
        for message in messages:
            body = f"{message.subject}\n{','.join(message.to)}\n\n{message.body}"
            (folder / f"{uuid.uuid4().hex}.eml").write_text(body, encoding="utf-8")
            _sent += 1
            if _sent == int(os.environ.get("REMINDER_CRASH_AFTER") or 0):
                os._exit(3)
        return len(messages)
