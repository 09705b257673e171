"""Admin wiring of the budget disclosures (imported by cms.wagtail_hooks)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from . import admin_views
from .pages import BudgetColumnPage, DisclosurePage


@hooks.register("register_admin_urls")
def budget_admin_urls():
    return [
        path("budgets/coverage/", admin_views.coverage_view, name="budgets_coverage"),
        path("budgets/column/<int:column_id>/import/", admin_views.import_view, name="budgets_import"),
        path("budgets/column/<int:column_id>/schedule/", admin_views.schedule_view, name="budgets_schedule"),
        path("budgets/page/<int:page_id>/import/", admin_views.reimport_view, name="budgets_reimport"),
        path("budgets/template/<str:kind>.<str:fmt>", admin_views.template_view, name="budgets_template"),
    ]


@hooks.register("register_admin_menu_item")
def budget_coverage_menu_item():
    return MenuItem("预决算公开情况", reverse("budgets_coverage"), icon_name="table", order=900)


@hooks.register("register_page_header_buttons")
def budget_page_buttons(page, user, view_name, next_url=None):
    specific = page.specific_deferred
    if isinstance(specific, BudgetColumnPage):
        column_id = specific.alias_of_id or page.pk  # an alias files under its original
        yield Button(
            "导入预决算报表", reverse("budgets_import", args=[column_id]), icon_name="upload", priority=80
        )
        yield Button(
            "统一定时发布", reverse("budgets_schedule", args=[column_id]), icon_name="time", priority=81
        )
    elif isinstance(specific, DisclosurePage):
        yield Button(
            "重新导入报表", reverse("budgets_reimport", args=[page.pk]), icon_name="upload", priority=80
        )
