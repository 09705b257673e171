"""Model registry of the interaction app."""

from .interviews import Interview, InterviewGuest, InterviewPhoto, LiveEntry, Question  # noqa: F401
