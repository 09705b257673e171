"""Background tasks of the content app."""

from django.core.management import call_command
from django_tasks import task


@task()
def publish_scheduled():
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's
    own command, so every scheduled publish ends in the page_published signal)."""
    call_command("publish_scheduled")
