"""The toolbar's keyboard shortcuts: one list, shown on the statement page and passed to
the toolbar script (data-shortcuts), so the page never documents a key the script lacks.
Alt+Shift+letter, matched on the physical key (KeyboardEvent.code), so it works whatever
the keyboard layout or input method."""

# (key code after Alt+Shift, Chinese description, English description, toolbar action)
ACTIONS = [
    ("KeyA", "打开或关闭无障碍工具条", "Open or close the accessibility toolbar", "toggle"),
    (
        "KeyS",
        "开启或关闭指读（朗读指向或聚焦的内容）",
        "Speech on/off (read what is pointed at or focused)",
        "speech",
    ),
    (
        "KeyR",
        "连读：从头朗读正文，再按停止",
        "Read the main content continuously; press again to stop",
        "continuous",
    ),
    ("KeyV", "切换语速（慢、中、快）", "Change the reading speed (slow, normal, fast)", "rate"),
    ("Equal", "页面放大", "Zoom in", "zoomIn"),
    ("Minus", "页面缩小", "Zoom out", "zoomOut"),
    ("KeyF", "切换字号", "Change the text size", "text"),
    ("KeyC", "切换配色（含高对比度）", "Change the colour scheme (incl. high contrast)", "scheme"),
    ("KeyM", "大鼠标", "Large cursor", "cursor"),
    ("KeyG", "十字辅助线", "Crosshair reading guide", "guide"),
    ("KeyB", "大字幕", "Caption bar", "caption"),
    ("KeyT", "纯文本模式", "Text-only mode", "textOnly"),
    ("Digit0", "重置", "Reset", "reset"),
]


def _key_name(code):
    return code.removeprefix("Key").removeprefix("Digit").replace("Equal", "=").replace("Minus", "-")


SHORTCUTS = [(f"Alt+Shift+{_key_name(code)}", zh, en) for code, zh, en, _ in ACTIONS]
SCRIPT_KEYS = {code: action for code, _zh, _en, action in ACTIONS}
