"""Taking a letter in (I01): its tracking code and query password, its deadlines, its
attachments (through the one upload policy, cms/uploads.py), the "submitted" event and
duplicate detection (interaction/duplicates.py). The web form, WAP and the app API all
end in `submit()`.
"""

import io
import os
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from cms.uploads import check_document, check_image, extension_of

from .duplicates import find_original, fingerprint
from .mailbox import Letter, LetterAttachment, LetterEvent, LetterStatus

# No 0/O, 1/I/L: a code read out on the telephone or copied from paper is not misread.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASSWORD_LENGTH = 8
CODE_ATTEMPTS = 8
IMAGE_EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "PNG", "webp": "WEBP"}


def new_code(length=None):
    length = length or settings.LETTER_CODE_LENGTH
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_password():
    return new_code(PASSWORD_LENGTH)


def normalise_code(value):
    """A tracking code as typed: case, spaces and hyphens do not matter."""
    return "".join(str(value or "").split()).replace("-", "").upper()[:20]


@dataclass
class Attachment:
    """A checked attachment, ready to store: its original name and its (re-encoded) bytes."""

    name: str
    content: bytes


def prepare_attachment(upload):
    """An Attachment from an uploaded file, or a ValidationError in Chinese: the size
    limit, the allowed kinds with their sniffed content (cms.uploads), and images decoded
    in full and re-encoded, so their metadata (EXIF, GPS) and anything appended to them
    are dropped."""
    limit = settings.LETTER_ATTACHMENT_MAX_BYTES
    name = os.path.basename(str(upload.name or ""))[-100:] or "attachment"
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file %(name)s is larger than %(size)s MB.")
            % {"name": name, "size": limit // (1024 * 1024)}
        )
    extension = extension_of(name)
    allowed = settings.LETTER_ATTACHMENT_EXTENSIONS
    if extension not in allowed:
        raise ValidationError(
            _("Files of type %(ext)s are not accepted. Accepted: %(allowed)s.")
            % {"ext": extension or "-", "allowed": "、".join(allowed)}
        )
    if extension in IMAGE_EXTENSIONS:
        check_image(upload)
        return Attachment(name=_reencoded_name(name, extension), content=reencode(upload, extension))
    check_document(upload, allowed=[e for e in allowed if e not in IMAGE_EXTENSIONS])
    upload.seek(0)
    return Attachment(name=name, content=upload.read())


def _reencoded_name(name, extension):
    # A GIF is stored as a PNG (its first frame): the name says what the file is.
    return name if extension != "gif" else os.path.splitext(name)[0] + ".png"


def reencode(upload, extension):
    """The image's pixels in a new file of its kind, without the original's metadata."""
    upload.seek(0)
    with Image.open(upload) as image:
        image.load()
        target = IMAGE_EXTENSIONS[extension]
        mode = "RGB" if target == "JPEG" else ("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        clean = image.convert(mode)
    out = io.BytesIO()
    clean.save(out, format=target, **({"quality": 85} if target == "JPEG" else {}))
    return out.getvalue()


def submit(mailbox, data, files=(), sender="", password=None, now=None):
    """Store a letter to `mailbox` from a form's cleaned `data` (category, title, content,
    name, phone, email, address, consent_publish) and prepared `files` (Attachments).
    Returns (letter, password): the password in clear, to be shown to the writer once.

    The tracking code is drawn at random; a collision with an existing code (the unique
    constraint) is retried with a new one inside a savepoint, so 500 writers at once each
    get their own."""
    now = now or timezone.now()
    password = password or new_password()
    letter = Letter(
        mailbox=mailbox,
        password_hash=make_password(password),
        category=data["category"],
        title=data["title"],
        content=data["content"],
        name=data.get("name", ""),
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        address=data.get("address", ""),
        consent_publish=bool(data.get("consent_publish")),
        sender=sender,
        fingerprint=fingerprint(data["title"], data["content"]),
        submitted_at=now,
    )
    letter.set_deadlines()
    with transaction.atomic():
        original = find_original(
            mailbox,
            sender=sender,
            phone=letter.phone,
            email=letter.email,
            title=letter.title,
            content=letter.content,
            at=now,
        )
        if original is not None:
            letter.status = LetterStatus.DUPLICATE
            letter.duplicate_of = original
        _save_with_new_code(letter)
        for attachment in files:
            LetterAttachment.objects.create(
                letter=letter,
                file=ContentFile(attachment.content, name=attachment.name),
                original_name=attachment.name,
                size=len(attachment.content),
            )
        LetterEvent.objects.create(letter=letter, at=now, action="submitted")
        if original is not None:
            LetterEvent.objects.create(
                letter=letter,
                at=now,
                action="duplicate",
                note=_("This letter repeats an earlier letter of yours and is handled together with it."),
            )
    return letter, password


def _save_with_new_code(letter):
    for attempt in range(CODE_ATTEMPTS):
        letter.tracking_code = new_code()
        try:
            with transaction.atomic():
                letter.save()
            return
        except IntegrityError:
            # Not a code collision (or eight in a row, beyond belief): let it raise.
            if (
                attempt == CODE_ATTEMPTS - 1
                or not Letter.objects.filter(tracking_code=letter.tracking_code).exists()
            ):
                raise
