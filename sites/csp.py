"""Content-Security-Policy (django-csp 4): one strict policy for every public page and a
looser one for the Wagtail admin, whose own templates still carry inline scripts and
styles (docs/security.md).

Public pages run only the platform's own static scripts (the accessibility toolbar and
the live interview script); the one inline `<style>` a page may need (the site's theme
colours, the WAP page's whole stylesheet) is allowed by its SHA-256 hash, which the
`{% inline_style %}` tag (sites/templatetags/portal_csp.py) records on the request while
rendering it. A hash, not a nonce: it is the same for every response of a page, so a
frontend cache (WAGTAILFRONTENDCACHE) may keep the page and its header together without
reusing a secret.
"""

import base64
import hashlib

from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings

from .admin_area import is_admin_request

UNSAFE_INLINE = "'unsafe-inline'"
_HASHES_ATTRIBUTE = "_portal_csp_style_hashes"


def style_hash(css):
    """The CSP source expression of an inline `<style>` element with exactly `css` inside."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "'sha256-{}'".format(base64.b64encode(digest).decode("ascii"))


def allow_inline_style(request, css):
    """Let this response run an inline `<style>` holding exactly `css`."""
    if request is None:
        return
    hashes = getattr(request, _HASHES_ATTRIBUTE, None)
    if hashes is None:
        hashes = []
        setattr(request, _HASHES_ATTRIBUTE, hashes)
    source = style_hash(css)
    if source not in hashes:
        hashes.append(source)


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


class PortalCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with two additions: a request under the admin gets
    ADMIN_CONTENT_SECURITY_POLICY instead of the public CONTENT_SECURITY_POLICY (a view's
    own @csp / @csp_update / @csp_replace still applies on top), and the hashes of the
    inline styles the page rendered are added to its style-src."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if parts.config is None and is_admin_request(request):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        hashes = getattr(request, _HASHES_ATTRIBUTE, None)
        if hashes:
            config = parts.config or default_config(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])
            replace, update = parts.replace or {}, parts.update or {}
            current = _as_list(replace.get("style-src", config.get("style-src")))
            current += _as_list(update.get("style-src"))
            if not current:  # style-src falls back on default-src: keep what that allowed
                current = _as_list(replace.get("default-src", config.get("default-src")))
                update = {**update, "style-src": current}
            # A hash would switch 'unsafe-inline' off (CSP level 2): a policy that already
            # allows every inline style (the admin's preview of a page) needs none.
            if UNSAFE_INLINE not in current:
                update = dict(update)
                update["style-src"] = _as_list(update.get("style-src")) + hashes
                parts.update = update
        return parts


def template_style_hashes(template_name):
    """The hashes of the fixed inline `<style>` elements of a third-party template (one
    whose styles hold no template variables), for that view's own @csp_update: e.g.
    drf-spectacular's Swagger UI page."""
    import re

    from django.template.loader import get_template

    source = get_template(template_name).template.source
    return [style_hash(css) for css in re.findall(r"<style>(.*?)</style>", source, flags=re.DOTALL)]
