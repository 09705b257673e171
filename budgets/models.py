"""Model registry of the budgets app: the page types live in budgets.pages."""

from .pages import BudgetColumnPage, DisclosurePage  # noqa: F401
