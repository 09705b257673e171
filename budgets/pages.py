"""Page types of the 预决算公开 column (G07–G11): the column itself, which lists one item
per department, year and kind and shows the year's coverage, and a department's
disclosure with its nine tables and its 三公 record."""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page
from wagtail.search import index

from cms.csv_cells import csv_cell
from cms.disclosure import allocate_index_number
from cms.items import Item, SearchDocument
from cms.page_forms import PageForm
from cms.pages import ColumnPage, ColumnType
from cms.snippets import INDEX_NUMBER_MAX_LENGTH

from . import charts
from .coverage import coverage_of
from .rules import check_negative, check_publishable
from .tables import SANGONG_PARTS, TABLES, VEHICLE_OPERATION, VEHICLE_PURCHASE, Kind, amount, is_total_row

AMOUNT = {
    "max_digits": 14,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(0)],
}
COUNT = {"null": True, "blank": True}


def standard_title(organisation_name, year, kind):
    """G10: {department}{YYYY}年部门预算/决算和“三公”经费…公开."""
    label = Kind.LABELS[kind]
    return f"{organisation_name}{year}年部门{label}和“三公”经费{label}公开"


class DisclosureForm(PageForm):
    """Marks the page being published so its model runs the publishing rules (G07–G09)
    when the editor presses 发布 (or schedules it), not only on a later publish."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:  # made from department, year and kind when left empty
            self.fields["slug"].required = False

    def clean_slug(self):
        # Not the short `<column>-<n>` slug of other new pages (PageForm): a disclosure's
        # address is made from year, kind and credit code (_standard_fields) when left empty
        # or not plain ASCII.
        slug = (self.cleaned_data.get("slug") or "").strip()
        return slug if slug.isascii() else ""

    def clean(self):
        cleaned = super().clean()
        self.instance._publishing = "action-publish" in self.data
        return cleaned


class DisclosurePage(Item, RoutablePageMixin, Page):
    """One department's budget or final-accounts disclosure for one year."""

    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(gettext_lazy("Year"))
    kind = models.CharField(gettext_lazy("Type"), max_length=10, choices=Kind.CHOICES)
    # {table key: [{"code", "item", "values": {column: "123.45"}}]}, amounts in 万元.
    tables = models.JSONField(gettext_lazy("Tables"), default=dict, blank=True, editable=False)
    sg_total = models.DecimalField(gettext_lazy("Three public expenses, total (10,000 yuan)"), **AMOUNT)
    sg_outbound = models.DecimalField(gettext_lazy("Official trips abroad (10,000 yuan)"), **AMOUNT)
    sg_vehicle = models.DecimalField(
        gettext_lazy("Official vehicle purchase and operation (10,000 yuan)"), **AMOUNT
    )
    sg_vehicle_purchase = models.DecimalField(
        gettext_lazy("Official vehicle purchase (10,000 yuan)"), **AMOUNT
    )
    sg_vehicle_operation = models.DecimalField(
        gettext_lazy("Official vehicle operation and maintenance (10,000 yuan)"), **AMOUNT
    )
    sg_reception = models.DecimalField(gettext_lazy("Official receptions (10,000 yuan)"), **AMOUNT)
    trips_abroad = models.PositiveIntegerField(gettext_lazy("Official trips abroad (groups)"), **COUNT)
    travellers_abroad = models.PositiveIntegerField(gettext_lazy("Official travellers abroad"), **COUNT)
    vehicles_bought = models.PositiveIntegerField(gettext_lazy("Official vehicles bought"), **COUNT)
    vehicles_held = models.PositiveIntegerField(gettext_lazy("Official vehicles held"), **COUNT)
    receptions = models.PositiveIntegerField(gettext_lazy("Official receptions (batches)"), **COUNT)
    reception_guests = models.PositiveIntegerField(gettext_lazy("Official reception guests"), **COUNT)
    sg_explanation = models.TextField(gettext_lazy("Reasons for the change"), blank=True)
    source_file = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=gettext_lazy("Original tables (imported file)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    pdf = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=gettext_lazy("Published text (PDF)"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # G01/G02: issued by the department's 索引号 sequence when first published, as an
    # article's is (cms.disclosure.allocate_index_number).
    index_number = models.CharField(
        gettext_lazy("Index No."), max_length=INDEX_NUMBER_MAX_LENGTH, null=True, blank=True, unique=True,
        editable=False,
    )  # fmt: skip
    written_at = models.DateField(
        gettext_lazy("Date written"), null=True, blank=True,
        help_text=gettext_lazy("The date the disclosure was signed off; if left empty, the date it is first published."),
    )  # fmt: skip

    base_form_class = DisclosureForm
    content_panels = [
        FieldRowPanel([FieldPanel("organisation"), FieldPanel("year"), FieldPanel("kind")], "公开信息"),
        FieldPanel("written_at"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("sg_total"), FieldPanel("sg_outbound"), FieldPanel("sg_reception")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("sg_vehicle"),
                        FieldPanel("sg_vehicle_purchase"),
                        FieldPanel("sg_vehicle_operation"),
                    ]
                ),
                FieldRowPanel([FieldPanel("trips_abroad"), FieldPanel("travellers_abroad")]),
                FieldRowPanel([FieldPanel("vehicles_bought"), FieldPanel("vehicles_held")]),
                FieldRowPanel([FieldPanel("receptions"), FieldPanel("reception_guests")]),
                FieldPanel("sg_explanation"),
            ],
            "“三公”经费情况",
        ),
        MultiFieldPanel([FieldPanel("source_file"), FieldPanel("pdf")], "原件"),
    ]
    search_fields = Page.search_fields + [index.FilterField("year"), index.FilterField("kind")]
    api_fields = [
        APIField(name)
        for name in (
            "organisation", "year", "kind", "tables", "sg_total", "sg_outbound", "sg_vehicle",
            "sg_vehicle_purchase", "sg_vehicle_operation", "sg_reception", "trips_abroad", "travellers_abroad",
            "vehicles_bought", "vehicles_held", "receptions", "reception_guests", "sg_explanation",
            "index_number", "written_at",
        )
    ]  # fmt: skip
    parent_page_types = ["budgets.BudgetColumnPage"]
    subpage_types = []
    exclude_fields_in_copy = ["index_number"]
    template = "budgets/disclosure_page.html"

    item_key = "disclosure"
    item_label = gettext_lazy("Budget disclosure")
    api_serializer = "budgets.api.DisclosureSerializer"
    wechat_source = "budgets.wechat.DisclosureSource"
    wap_view = "budgets.wap.disclosure_view"

    class Meta:
        # The tables were created while the model lived in the cms app (migration
        # cms.0004); budgets.0001 took the model over without moving them.
        db_table = "cms_disclosurepage"
        verbose_name = gettext_lazy("Budget disclosure")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "kind"], name="one_disclosure_per_department_year"
            )
        ]

    # -- validation ---------------------------------------------------------------------
    def _standard_fields(self):
        # G10: the title is made from the fields, never typed.
        if self.organisation_id and self.year and self.kind in Kind.LABELS:
            self.title = standard_title(self.organisation.name, self.year, self.kind)
            if not self.slug:
                self.slug = slugify(f"{self.year}-{self.kind}-{self.organisation.credit_code}")

    def full_clean(self, *args, **kwargs):
        self._standard_fields()
        super().full_clean(*args, **kwargs)

    def minimal_clean(self):
        # Wagtail checks only title and slug of a draft; a disclosure's draft must still be
        # a possible disclosure (no duplicate, no future year, no negative amount).
        self._standard_fields()
        self.check_disclosure()  # first: a duplicate's slug clash would hide the reason
        super().minimal_clean()

    def clean(self):
        self.check_disclosure()
        super().clean()

    def check_disclosure(self):
        """The disclosure's own rules; the publishing rules too when it is (being) published."""
        errors = []
        this_year = timezone.localdate().year
        if self.year and self.year > this_year:
            errors.append(ValidationError(f"年度 {self.year} 晚于今年（{this_year}），不能公开未来年度。"))
        elif self.year and self.kind == Kind.FINAL and self.year >= this_year:
            errors.append(ValidationError(f"{self.year} 年度尚未结束，不能公开该年度决算。"))
        if self.year and self.year < 2000:
            errors.append(ValidationError(f"年度 {self.year} 不正确。"))
        if self.organisation_id and self.year and self.kind:
            others = DisclosurePage.objects.filter(
                organisation_id=self.organisation_id, year=self.year, kind=self.kind
            )
            if self.pk:
                others = others.exclude(pk=self.pk)
            if others.exists():
                errors.append(
                    ValidationError(
                        f"{self.organisation.name} {self.year} 年度的{Kind.LABELS[self.kind]}公开已经存在，请在原有信息上修改，不要重复创建。",
                        code="duplicate",
                    )
                )
        if self.kind in Kind.LABELS:
            problems = check_negative(self.kind, self.tables or {})
            # The admin form says whether 发布 was pressed (a new page is live=True until
            # the create view saves it as a draft); elsewhere a live page is being published.
            publishing = getattr(self, "_publishing", None)
            if self.live if publishing is None else publishing:
                problems = check_publishable(self)
            errors += [ValidationError(str(p)) for p in problems]
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude=None):
        # The duplicate check above gives the clerk's message; the constraint stays as the
        # database's guard against a race.
        exclude = set(exclude or ()) | {"organisation", "year", "kind"}
        super().validate_constraints(exclude=exclude)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # As ArticlePage.save: a draft save of a live page writes a few columns only, and a
        # number issued then would be lost; revisions drafted before the first publish carry
        # none, so the issued one is kept.
        writes_number = update_fields is None or "index_number" in update_fields
        if self.pk and not self.index_number and writes_number:
            self.index_number = (
                DisclosurePage.objects.filter(pk=self.pk).values_list("index_number", flat=True).first()
            )
        if self.live and writes_number:
            published = timezone.localtime(self.first_published_at or self.go_live_at or timezone.now())
            if not self.index_number and self.organisation_id:
                self.index_number = allocate_index_number(self.organisation, published.year)
            if self.written_at is None:  # G02's 成文日期: the sign-off date, else the publication's
                self.written_at = published.date()
        super().save(*args, **kwargs)

    # -- the item protocol (cms.items) -----------------------------------------------------

    def search_document(self):
        """What a journalist searches for: the department, the year, the kind, the 三公
        figures and their explanation, and the items of the tables (科目名称), each item once
        however many tables list it."""
        department = self.organisation.name
        sangong = "；".join(
            f"{part} {value} 万元" for part, value in self.sangong_amounts().items() if value is not None
        )
        views = self.table_views()
        items = dict.fromkeys(row["item"] for view in views for row in view["rows"] if row.get("item"))
        parts = [
            f"{department} {self.year}年 部门{self.kind_label} “三公”经费{self.kind_label}",
            f"“三公”经费：{sangong}" if sangong else "",
            self.sg_explanation,
            " ".join(view["title"] for view in views),
            " ".join(items),
        ]
        meta = [department, f"{self.year}", self.kind_label, "三公经费", self.index_number or ""]
        return SearchDocument(parts=parts, meta=meta)

    def push_summary(self):
        """One sentence for lists and notifications; reads no related rows but the
        department (lists select it with the page), so a list of them stays at a fixed
        number of queries."""
        from .templatetags.budget_tags import amount as money

        text = f"{self.organisation.name}{self.year}年度部门{self.kind_label}公开"
        if self.sg_total is not None:
            text += f"，“三公”经费{self.kind_label}合计 {money(self.sg_total)} 万元"
        return text + "。"

    def related_items(self):
        # Next year's disclosure is compared with this one: its detail changes too.
        return list(
            DisclosurePage.objects.filter(
                live=True, organisation_id=self.organisation_id, year=self.year + 1, kind=self.kind
            ).values_list("pk", "path")
        )

    # -- figures ------------------------------------------------------------------------
    # The headline totals: (table key, label of its 合计 row's 合计 cell).
    TOTALS = (("income", "收入合计"), ("expenditure", "支出合计"))

    def totals(self):
        """[(label, amount as a decimal string)] of the income and expenditure: the 合计
        cell of each table's last total row, where the table was published."""
        views = {view["key"]: view for view in self.table_views()}
        totals = []
        for key, label in self.TOTALS:
            view = views.get(key)
            rows = [row for row in (view["rows"] if view else []) if is_total_row(row["item"])]
            if rows and view["columns"]:
                totals.append((label, rows[-1]["values"].get(view["columns"][0], "0.00")))
        return totals

    @property
    def kind_label(self):
        return Kind.LABELS.get(self.kind, "")

    def sangong_amounts(self):
        """The record's amounts by the 三公 table's column names."""
        return {
            "合计": self.sg_total,
            "因公出国(境)费": self.sg_outbound,
            "公务用车购置及运行维护费": self.sg_vehicle,
            VEHICLE_PURCHASE: self.sg_vehicle_purchase,
            VEHICLE_OPERATION: self.sg_vehicle_operation,
            "公务接待费": self.sg_reception,
        }

    def previous(self):
        """Last year's live disclosure of the same kind by the same department."""
        return (
            DisclosurePage.objects.live()
            .filter(organisation_id=self.organisation_id, year=self.year - 1, kind=self.kind)
            .first()
        )

    def sangong_changes(self, previous=None):
        """Each 三公 part this year and last, with the change in 万元 and in % (None where
        last year had nothing to compare with)."""
        now = self.sangong_amounts()
        before = previous.sangong_amounts() if previous else {}
        rows = []
        for part in ("合计", *SANGONG_PARTS, VEHICLE_PURCHASE, VEHICLE_OPERATION):
            current, last = now[part], before.get(part)
            change = percent = None
            if current is not None and last is not None:
                change = current - last
                if last:
                    percent = (change / last * 100).quantize(Decimal("0.1"))
            rows.append(
                {"part": part, "current": current, "previous": last, "change": change, "percent": percent}
            )
        return rows

    def table_views(self):
        """The stored tables in the standard order, with their titles, for rendering."""
        views = []
        for number, spec in enumerate(TABLES, start=1):
            rows = self.tables.get(spec.key)
            if rows is None:
                continue
            views.append(
                {
                    "number": number,
                    "key": spec.key,
                    "title": spec.title(self.kind),
                    "columns": spec.column_names,
                    "rows": [
                        {**row, "amounts": [amount(row["values"].get(c)) for c in spec.column_names]}
                        for row in rows
                    ],
                }
            )
        return views

    def open_data(self):
        """The disclosure as open data (the JSON download and the API's shape)."""
        return {
            "title": self.title,
            "department": self.organisation.name,
            "credit_code": self.organisation.credit_code,
            "year": self.year,
            "kind": self.kind,
            "unit": "万元",
            "tables": [
                {
                    "key": view["key"],
                    "title": view["title"],
                    "columns": view["columns"],
                    "rows": [
                        {"code": r["code"], "item": r["item"], "values": r["values"]} for r in view["rows"]
                    ],
                }
                for view in self.table_views()
            ],  # fmt: skip
            "sangong": {
                "amounts": {
                    k: (str(v) if v is not None else None) for k, v in self.sangong_amounts().items()
                },
                "counts": {
                    name: getattr(self, name)
                    for name in (
                        "trips_abroad",
                        "travellers_abroad",
                        "vehicles_bought",
                        "vehicles_held",
                        "receptions",
                        "reception_guests",
                    )
                },  # fmt: skip
                "explanation": self.sg_explanation,
            },
        }

    # -- views --------------------------------------------------------------------------
    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        previous = self.previous()
        changes = self.sangong_changes(previous)
        context["previous"] = previous
        context["changes"] = changes
        context["table_views"] = self.table_views()
        parts = [row for row in changes if row["part"] in SANGONG_PARTS]
        series = [(f"{self.year}年", [row["current"] or 0 for row in parts])]
        if previous:
            series.insert(0, (f"{previous.year}年", [row["previous"] or 0 for row in parts]))
        context["sangong_chart"] = charts.bar_chart(
            "sangong-chart",
            "“三公”经费分项对比（万元）",
            [row["part"] for row in parts],
            series,
            "sangong-table",
        )
        expenditure = next((v for v in context["table_views"] if v["key"] == "expenditure"), None)
        if expenditure:
            top = [r for r in expenditure["rows"] if len(r["code"] or "") == 3]
            context["expenditure_chart"] = charts.bar_chart(
                "expenditure-chart",
                "按功能分类的支出（万元）",
                [r["item"] for r in top],
                [("合计", [r["amounts"][0] for r in top])],
                "table-expenditure",
            )
        return context

    @path("open-data/json/", name="json")
    def data_json(self, request):
        response = JsonResponse(self.open_data(), json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.json"'
        return response

    @path("open-data/csv/", name="csv")
    def data_csv(self, request):
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buffer)
        writer.writerow(["部门", "年度", "类别", "表名", "科目编码", "科目名称", "栏目", "金额（万元）"])
        for view in self.table_views():
            for row in view["rows"]:
                for column in view["columns"]:
                    writer.writerow([csv_cell(cell) for cell in (
                        self.organisation.name, self.year, self.kind_label, view["title"], row["code"], row["item"],
                        column, row["values"].get(column, "0.00"),
                    )])  # fmt: skip
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.slug}.csv"'
        return response


class BudgetColumnPage(RoutablePageMixin, ColumnPage):
    """The 预决算公开 column (G10, G11): one item per department, year and kind, and the
    coverage of a year against the departments that must publish.

    The column may also stand elsewhere as a Wagtail alias (a copy that follows the
    original's edits), so that two parents list it among their sub-columns: the demo keeps
    the column under 财政预决算 and places an alias under 政府信息公开. An alias shows the
    original's disclosures and coverage (`source`) and names the original as canonical."""

    departments = ParentalManyToManyField(
        "cms.Organisation", verbose_name=gettext_lazy("Departments required to publish"), blank=True, related_name="+",
        help_text=gettext_lazy("The departments that must publish their budgets and final accounts; the publication statistics are based on this list."),
    )  # fmt: skip

    content_panels = ColumnPage.content_panels + [FieldPanel("departments")]
    subpage_types = ["budgets.DisclosurePage"]
    template = "budgets/column_page.html"

    # A column of its own kind: listed among its parent's sub-columns, no item of the
    # search index or the API (as before it became an app).
    wap_view = "budgets.wap.budget_column_view"

    class Meta:
        db_table = "cms_budgetcolumnpage"
        verbose_name = gettext_lazy("Budget disclosure column")

    def save(self, *args, **kwargs):
        self.column_type = ColumnType.BUDGET
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        # The column's own article list (ColumnPage) is not this column's content.
        return Page.get_context(self, request, *args, **kwargs)

    @property
    def source(self):
        """The column whose disclosures this page shows: itself, or the original of an alias."""
        if not self.alias_of_id:
            return self
        if getattr(self, "_source", None) is None:
            self._source = BudgetColumnPage.objects.get(pk=self.alias_of_id)
        return self._source

    def coverage(self, year, live_only=True):
        """The coverage of `year` in this column. Departments come from the column's list;
        with no list, those that have published anything here. The public view counts live
        disclosures only; the admin view (live_only=False) counts drafts too so a clerk
        sees what is ready but not yet published."""
        source = self.source
        pages = (
            DisclosurePage.objects.child_of(source)
            .filter(year=year)
            .select_related("organisation")
            .defer("tables")
        )
        if live_only:
            pages = pages.live()
        return coverage_of(year, pages, source.departments.order_by("pk"))

    def disclosures(self):
        return (
            DisclosurePage.objects.live()
            .child_of(self.source)
            .select_related("organisation")
            .order_by("-year", "organisation__pk", "kind")
        )

    def years(self):
        return sorted(
            set(DisclosurePage.objects.live().child_of(self.source).values_list("year", flat=True)),
            reverse=True,
        )

    @path("", name="list")
    def list_view(self, request):
        items = self.disclosures().defer("tables")
        year = request.GET.get("year", "")
        if year.isdigit():
            items = items.filter(year=int(year))
        # get_page() falls back to the first or last page for a bad or too large number.
        page_obj = Paginator(items, settings.COLUMN_PAGE_SIZE).get_page(request.GET.get("page"))
        return self.render(
            request,
            context_overrides={
                "page_obj": page_obj,
                "items": page_obj.object_list,
                "years": self.years(),
                "year": int(year) if year.isdigit() else None,
            },
        )

    @path("coverage/", name="coverage_latest")
    @path("coverage/<int:year>/", name="coverage")
    def coverage_view(self, request, year=None):
        years = self.years()
        if year is None:
            year = years[0] if years else timezone.localdate().year
        return self.render(
            request,
            template="budgets/coverage_page.html",
            context_overrides={
                "coverage": self.coverage(year, live_only=True),
                "years": years,
                "year": year,
            },
        )
