"""Model registry of the interaction app."""

from .broadcasts import BroadcastDepartment, BroadcastPage, RectificationItem  # noqa: F401
from .consultations import ConsultationComment, ConsultationPage, ConsultationSection  # noqa: F401
from .hub import InteractionHubPage  # noqa: F401,E402
from .interviews import Interview, InterviewGuest, InterviewPhoto, LiveEntry, Question  # noqa: F401
from .letter_statistics import LetterDayCount  # noqa: F401
from .mailbox import (  # noqa: F401
    HandlerMembership,
    Letter,
    LetterAttachment,
    LetterEvent,
    LetterPage,
    LetterReminder,
    MailboxPage,
)
from .surveys import SurveyPage, SurveyQuestion, SurveyResponse  # noqa: F401
