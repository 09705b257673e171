"""`{% inline_style %}…{% endinline_style %}`: an inline `<style>` element that the page's
Content-Security-Policy allows by its SHA-256 hash (sites/csp.py), so public pages need no
'unsafe-inline' for styles. The content is rendered once and hashed exactly as sent."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sites.csp import allow_inline_style

register = template.Library()


class InlineStyleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        css = self.nodelist.render(context)
        allow_inline_style(context.get("request"), css)
        # The content went through the template engine's escaping already.
        return format_html("<style>{}</style>", mark_safe(css))  # noqa: S308


@register.tag
def inline_style(parser, token):
    nodelist = parser.parse(("endinline_style",))
    parser.delete_first_token()
    return InlineStyleNode(nodelist)
