"""Admin screens of the 预决算公开 work: upload a department's template, replace its
figures, see a year's coverage with the drafts, schedule a year to go live together, and
download the blank templates."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.admin.widgets import AdminDateTimeInput

from cms.snippets import Organisation
from cms.uploads import check_document
from sites.admin_scope import editable_pages

from .blank_templates import csv_template, template_filename, xlsx_template
from .importer import MAX_BYTES
from .pages import BudgetColumnPage, DisclosurePage
from .service import DisclosureError, import_disclosure, reimport_disclosure, schedule_year
from .tables import Kind

MAX_PDF_BYTES = 50 * 1024 * 1024  # as WAGTAILDOCS_MAX_UPLOAD_SIZE


def _year_choices():
    this_year = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this_year, this_year - 10, -1)]


class UploadForm(forms.Form):
    file = forms.FileField(label="报表文件（CSV 或 XLSX 模板）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"文件超过{MAX_BYTES // (1024 * 1024)}MB。")
        try:
            return check_document(upload, allowed={"csv", "xlsx"})
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


class ImportForm(UploadForm):
    organisation = forms.ModelChoiceField(Organisation.objects.all(), label="部门")
    # Free entry (not only the listed years): a future year must reach the model's message.
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类别", choices=Kind.CHOICES)
    pdf = forms.FileField(label="公开文本（PDF，可选）", required=False)
    field_order = ["organisation", "year", "kind", "file", "pdf"]

    def clean_pdf(self):
        """The 公开文本 is stored as a document and offered for download: a PDF only, by
        name and by content (an HTML or SVG file renamed would otherwise be stored too)."""
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return upload
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(f"公开文本超过{MAX_PDF_BYTES // (1024 * 1024)}MB。")
        try:
            return check_document(upload, allowed={"pdf"})
        except ValidationError as error:
            raise forms.ValidationError(["公开文本只接受 PDF 文件。", *error.messages]) from error


class ScheduleForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=_year_choices)
    go_live_at = forms.DateTimeField(label="统一发布时间", widget=AdminDateTimeInput)

    def clean_go_live_at(self):
        value = self.cleaned_data["go_live_at"]
        if value <= timezone.now():
            raise forms.ValidationError("统一发布时间须晚于现在。")
        return value


def _column_for_editing(request, column_id):
    column = get_object_or_404(BudgetColumnPage, pk=column_id)
    column = column.source  # an alias's disclosures are filed under its original
    if not column.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    return column


def _upload_round_trip(request, form, run, context):
    """The upload form's round trip, shared by a first import and a re-import: on a valid
    POST `run(cleaned_data)` imports and returns (page, message); a DisclosureError shows
    its problems (sheet, row and cell) with the form and nothing is saved; success goes to
    the page's editor."""
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            page, message = run(form.cleaned_data)
        except DisclosureError as exc:
            problems = exc.messages
        else:
            messages.success(request, message)
            return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "budgets/admin/import.html",
        {**context, "form": form, "problems": problems, "kinds": Kind.CHOICES},
    )


def import_view(request, column_id):
    column = _column_for_editing(request, column_id)

    def run(data):
        upload, pdf = data["file"], data["pdf"]
        page = import_disclosure(
            column,
            organisation=data["organisation"],
            year=data["year"],
            kind=data["kind"],
            filename=upload.name,
            data=upload.read(),
            pdf=(pdf.name, pdf.read()) if pdf else None,
            user=request.user,
        )
        return page, f"已导入“{page.title}”（草稿），请核对后发布。"

    form = ImportForm(request.POST or None, request.FILES or None)
    return _upload_round_trip(request, form, run, {"column": column, "page_title": "导入预决算公开"})


def reimport_view(request, page_id):
    page = get_object_or_404(DisclosurePage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied

    def run(data):
        upload = data["file"]
        reimport_disclosure(page, filename=upload.name, data=upload.read(), user=request.user)
        return page, f"已更新“{page.title}”的报表（新版本为草稿）。"

    form = UploadForm(request.POST or None, request.FILES or None)
    return _upload_round_trip(request, form, run, {"page": page, "page_title": "重新导入报表"})


def coverage_view(request):
    """A year's coverage, drafts included, of a column the user may edit: a clerk sees the
    columns of their own site only (another site's drafts are not theirs to see)."""
    editable = editable_pages(request.user).values("pk")
    # An alias shows its original's coverage: listed once, as the original.
    columns = list(BudgetColumnPage.objects.filter(pk__in=editable, alias_of__isnull=True).order_by("path"))
    requested = request.GET.get("column")
    if requested:
        column = next((c for c in columns if str(c.pk) == requested), None)
        if column is None:
            # Another site's column or none at all: the same refusal, so ids reveal nothing.
            raise PermissionDenied
    else:
        column = columns[0] if columns else None
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else timezone.localdate().year - 1
    coverage = column.coverage(year, live_only=False) if column else None
    return TemplateResponse(
        request,
        "budgets/admin/coverage.html",
        {
            "columns": columns,
            "column": column,
            "year": year,
            "years": [y for y, _ in _year_choices()],
            "coverage": coverage,
            "page_title": "预决算公开情况",
        },
    )


def schedule_view(request, column_id):
    column = _column_for_editing(request, column_id)
    form = ScheduleForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            pages = schedule_year(
                column, form.cleaned_data["year"], form.cleaned_data["go_live_at"], user=request.user
            )
        except DisclosureError as exc:
            problems = exc.messages
        else:
            messages.success(request, f"已安排 {len(pages)} 条信息统一发布。")
            return redirect("wagtailadmin_explore", column.pk)
    return TemplateResponse(
        request,
        "budgets/admin/schedule.html",
        {"column": column, "form": form, "problems": problems, "page_title": "统一定时发布"},
    )


def template_view(request, kind, fmt):
    if kind not in Kind.LABELS or fmt not in ("csv", "xlsx"):
        raise PermissionDenied
    if fmt == "csv":
        response = HttpResponse(csv_template(kind), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            xlsx_template(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(template_filename(kind, fmt))}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)
