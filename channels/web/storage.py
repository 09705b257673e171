"""Where static publishing keeps its files on a local disk: a folder nginx reads while pages
are rewritten, so a file is replaced in one step (written beside it, then renamed over it)
and nginx never sends half a page. Readable by nginx's own user (0644)."""

import os
import tempfile

from django.core.files.storage import FileSystemStorage


class PublishedFileStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        # A page's file keeps its name: the new version replaces the old one.
        kwargs.setdefault("allow_overwrite", True)
        super().__init__(**kwargs)

    def _save(self, name, content):
        full_path = self.path(name)
        folder = os.path.dirname(full_path)
        os.makedirs(folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
            os.chmod(temporary, 0o644)  # noqa: S103 (nginx's user reads it; nothing secret)
            os.replace(temporary, full_path)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise
        return name
