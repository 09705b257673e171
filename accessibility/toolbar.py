"""What the toolbar template shows, in the site's language: the controls, the names of the
values they cycle through (colour schemes, text sizes, speech rates), and the shortcuts."""

from django.utils import translation
from django.utils.translation import gettext, pgettext

from sites.language import is_english

from .shortcuts import SCRIPT_KEYS

SCHEMES = ["default", "contrast", "dark", "yellow", "blue"]
TEXT_SIZES = [100, 125, 150]
RATES = [0.7, 1.0, 1.4]
ZOOM_MIN, ZOOM_MAX, ZOOM_STEP = 1.0, 2.0, 0.1


def labels():
    """The toolbar's labels in the active language (the site's: sites.middleware)."""
    return {
        "title": gettext("Accessibility toolbar"),
        "speech": gettext("Read aloud"),
        "continuous": gettext("Read all"),
        "rate": gettext("Speed"),
        "rates": [gettext("Slow"), pgettext("speech rate", "Normal"), gettext("Fast")],
        "zoom_in": gettext("Zoom in"),
        "zoom_out": gettext("Zoom out"),
        "zoom": gettext("Zoom"),
        "text": gettext("Text size"),
        "texts": [pgettext("text size", "Normal"), pgettext("text size", "Large"), gettext("Larger")],
        "scheme": gettext("Colours"),
        "schemes": [
            pgettext("colour scheme", "Default"),
            gettext("High contrast (yellow on black)"),
            gettext("White on black"),
            gettext("Black on yellow"),
            gettext("White on blue"),
        ],
        "cursor": gettext("Large cursor"),
        "guide": gettext("Crosshair"),
        "caption": gettext("Caption bar"),
        "text_only": gettext("Text only"),
        "reset": gettext("Reset"),
        "close": gettext("Close toolbar"),
        "help": gettext("Keyboard shortcuts"),
        "open": gettext("Accessibility toolbar"),
    }


def toolbar_config(language):
    """The data attribute the script reads: value lists, their names, and the shortcuts."""
    with translation.override(language):
        names = labels()
    return {
        "schemes": SCHEMES,
        "schemeNames": names["schemes"],
        "texts": TEXT_SIZES,
        "textNames": names["texts"],
        "rates": RATES,
        "rateNames": names["rates"],
        "zoom": [ZOOM_MIN, ZOOM_MAX, ZOOM_STEP],
        "keys": SCRIPT_KEYS,
        "lang": "en-US" if is_english(language) else "zh-CN",
    }
