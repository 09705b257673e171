"""The one guard of every CSV download (budget tables, letter statistics, survey
responses) against CSV injection: a cell a spreadsheet would run as a formula is written
as text."""

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)\Z")


def csv_cell(value):
    """A cell of a CSV download that a spreadsheet will not run as a formula: text starting
    with = + - @ (or tab/CR) gets a leading ', a plain number such as -12.50 is left as it
    is, None is empty."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text
