"""Model registry of the interaction app."""

from .interviews import Interview, InterviewGuest, InterviewPhoto, LiveEntry, Question  # noqa: F401
from .mailbox import (  # noqa: F401
    HandlerMembership,
    Letter,
    LetterAttachment,
    LetterEvent,
    LetterPage,
    LetterReminder,
    MailboxPage,
)
