"""Which requests are for the Wagtail admin: the two-factor gate and the admin's own
Content-Security-Policy ask the same question, answered here once."""

import functools

from django.urls import reverse


@functools.cache
def admin_prefix():
    """The admin's address (the URLconf does not change while the process runs)."""
    return reverse("wagtailadmin_home")


def is_admin_request(request):
    return request.path_info.startswith(admin_prefix())
