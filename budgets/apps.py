"""预决算公开: department budgets, final accounts and 三公 as an item type of the cluster."""

from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "budgets"
    verbose_name = "预决算公开"
    default_auto_field = "django.db.models.BigAutoField"
