"""`a11y` in every template: the reader's mode, the links to switch it, and labels."""

from . import modes


def a11y(request):
    mode = getattr(request, "a11y_mode", None) or modes.mode_of(request)
    return {
        "a11y": {
            "mode": mode,
            "links": modes.mode_links(request),
            "labels": modes.labels(),
            "text_only": mode == modes.TEXT,
        }
    }
