"""A page as Wagtail's tutorial would write it: a title and a rich-text body."""

from wagtail.fields import RichTextField
from wagtail.models import Page


class BarePage(Page):
    body = RichTextField(blank=True)
    template = "bench_vanilla/bare_page.html"
