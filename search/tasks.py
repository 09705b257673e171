"""Background tasks that keep the index in line with published pages."""

from django_tasks import task

from . import indexing


@task()
def update_pages(page_ids: list[int]):
    """Index (or drop) these pages according to their current state."""
    indexing.index_pages(page_ids)


@task()
def remove_pages(page_ids: list[int]):
    indexing.remove_pages(page_ids)
