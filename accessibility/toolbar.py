"""What the toolbar template shows, in the site's language: the controls, the names of the
values they cycle through (colour schemes, text sizes, speech rates), and the shortcuts."""

from .shortcuts import SCRIPT_KEYS

SCHEMES = ["default", "contrast", "dark", "yellow", "blue"]
TEXT_SIZES = [100, 125, 150]
RATES = [0.7, 1.0, 1.4]
ZOOM_MIN, ZOOM_MAX, ZOOM_STEP = 1.0, 2.0, 0.1

LABELS = {
    "zh-hans": {
        "title": "无障碍工具条",
        "speech": "指读",
        "continuous": "连读",
        "rate": "语速",
        "rates": ["慢", "中", "快"],
        "zoom_in": "放大",
        "zoom_out": "缩小",
        "zoom": "页面缩放",
        "text": "字号",
        "texts": ["标准", "大", "特大"],
        "scheme": "配色",
        "schemes": ["默认", "高对比度（黑底黄字）", "黑底白字", "黄底黑字", "蓝底白字"],
        "cursor": "大鼠标",
        "guide": "十字线",
        "caption": "大字幕",
        "text_only": "纯文本",
        "reset": "重置",
        "close": "关闭工具条",
        "help": "快捷键说明",
        "open": "无障碍工具条",
    },
    "en": {
        "title": "Accessibility toolbar",
        "speech": "Read aloud",
        "continuous": "Read all",
        "rate": "Speed",
        "rates": ["Slow", "Normal", "Fast"],
        "zoom_in": "Zoom in",
        "zoom_out": "Zoom out",
        "zoom": "Zoom",
        "text": "Text size",
        "texts": ["Normal", "Large", "Larger"],
        "scheme": "Colours",
        "schemes": [
            "Default",
            "High contrast (yellow on black)",
            "White on black",
            "Black on yellow",
            "White on blue",
        ],
        "cursor": "Large cursor",
        "guide": "Crosshair",
        "caption": "Caption bar",
        "text_only": "Text only",
        "reset": "Reset",
        "close": "Close toolbar",
        "help": "Keyboard shortcuts",
        "open": "Accessibility toolbar",
    },
}


def toolbar_config(language):
    """The data attribute the script reads: value lists, their names, and the shortcuts."""
    names = LABELS["en" if language.startswith("en") else "zh-hans"]
    return {
        "schemes": SCHEMES,
        "schemeNames": names["schemes"],
        "texts": TEXT_SIZES,
        "textNames": names["texts"],
        "rates": RATES,
        "rateNames": names["rates"],
        "zoom": [ZOOM_MIN, ZOOM_MAX, ZOOM_STEP],
        "keys": SCRIPT_KEYS,
        "lang": "en-US" if language.startswith("en") else "zh-CN",
    }
