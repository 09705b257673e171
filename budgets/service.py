"""Creating and updating disclosures from an uploaded template, and scheduling a year's
disclosures to go live together (P11). Every path is all-or-nothing: a file with any
problem, a duplicate or a rule broken leaves the database and the media folder as they were.
"""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model

from .importer import BudgetImportError, read_tables, sangong_record
from .pages import DisclosurePage
from .rules import check_publishable


def _messages(error):
    if isinstance(error, BudgetImportError):
        return error.problems
    return [message for message in error.messages]


class DisclosureError(Exception):
    """Why an upload or a schedule was refused: the messages for the clerk."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("；".join(self.messages))


def apply_result(page, result):
    page.tables = result.tables
    for name, value in sangong_record(result.tables).items():
        setattr(page, name, value)
    for name, value in result.notes.items():
        setattr(page, name, value)


def _document(name, data, title, user):
    Document = get_document_model()
    document = Document(title=title, uploaded_by_user=user)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def import_disclosure(column, *, organisation, year, kind, filename, data, pdf=None, user=None):
    """A new draft disclosure in `column` from an uploaded template (and optional PDF)."""
    try:
        result = read_tables(filename, data)
    except BudgetImportError as exc:
        raise DisclosureError(exc.problems) from None
    page = DisclosurePage(organisation=organisation, year=year, kind=kind, live=False)
    apply_result(page, result)
    stored = []
    try:
        with transaction.atomic():
            page._standard_fields()  # the title the documents are named after
            page.check_disclosure()  # before any file is written: duplicate, year, amounts
            page.source_file = _document(filename, data, f"{page.title}（原始报表）", user)
            stored.append(page.source_file)
            if pdf is not None:
                page.pdf = _document(pdf[0], pdf[1], f"{page.title}（公开文本）", user)
                stored.append(page.pdf)
            column.add_child(instance=page)
            page.save_revision(user=user, log_action=True)
    except ValidationError as exc:
        for document in stored:
            document.file.delete(save=False)
        raise DisclosureError(_messages(exc)) from None
    return page


def reimport_disclosure(page, *, filename, data, user=None):
    """Replace a disclosure's tables from a new upload, as a new revision (a draft unless
    the page is live, where the publishing rules must hold for the new figures too)."""
    page = page.get_latest_revision_as_object()
    try:
        result = read_tables(filename, data)
        apply_result(page, result)
        page.full_clean()
    except (BudgetImportError, ValidationError) as exc:
        raise DisclosureError(_messages(exc)) from None
    with transaction.atomic():
        page.source_file = _document(filename, data, f"{page.title}（原始报表）", user)
        page.save_revision(user=user, log_action=True)
    return page


def schedule_year(column, year, go_live_at, user=None):
    """P11: every unpublished disclosure of `year` in `column` goes live at `go_live_at`.
    If any of them fails the publishing rules, none is scheduled."""
    pages = [
        p.get_latest_revision_as_object()
        for p in DisclosurePage.objects.child_of(column).filter(year=year, live=False)
    ]
    problems = []
    for page in pages:
        problems += [f"{page.title}：{problem}" for problem in check_publishable(page)]
    if problems:
        raise DisclosureError(problems)
    if not pages:
        raise DisclosureError([f"{year} 年度没有待发布的预决算公开信息。"])
    with transaction.atomic():
        for page in pages:
            page.go_live_at = go_live_at
            page._publishing = True
            revision = page.save_revision(user=user, log_action=True)
            revision.publish(user=user)
    return pages
