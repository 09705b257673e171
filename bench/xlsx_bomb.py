"""How the budget import meets an XLSX bomb: `.venv/bin/python bench/xlsx_bomb.py`.

Builds the file a security probe sent (issue 14): 0.27 MB of XLSX holding one row of
5,000,000 cells, which took 49 s and 3.4 GB in `read_tables` before the importer bounded
spreadsheets. Reads it through `budgets.importer.read_tables`, the function the admin
upload calls, and prints how long the refusal took and how far the process grew (its
peak resident size, from the kernel, before and after). As a baseline it reads the
project's own filled XLSX template (nine tables) the same way, in the same run.

It asserts nothing; tests/cms/test_budgets_hostile.py proves the refusal and bounds the
memory Python allocates on the way.
"""

import resource
import time

import _bootstrap

_bootstrap.setup_django("config.settings.test")

from budgets.importer import BudgetImportError, read_tables  # noqa: E402
from tests.cms.test_budgets_hostile import hand_made_xlsx  # noqa: E402
from tests.cms.test_budgets_import import filled_xlsx  # noqa: E402

CELLS = 5_000_000


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    normal, _tables, _fields = filled_xlsx()
    started = time.perf_counter()
    read_tables("normal.xlsx", normal)
    baseline = time.perf_counter() - started
    print(f"baseline: the filled nine-table template read in {baseline * 1000:.0f} ms")
    # The probe's file (5M cells of 16 bytes: 80 MB unpacked), and one whose 4.9M empty
    # cells stay under the unpacked-size limit, so only the streamed cell count stops it.
    measure("one row of 5,000,000 valued cells", ("<c><v>1</v></c>", CELLS), baseline)
    measure("one row of 4,900,000 empty cells", ("<c/>", 4_900_000), baseline)


def measure(label, cell, baseline):
    body, count = cell
    bomb = hand_made_xlsx(('<sheetData><row r="1">', body, "</row></sheetData>"), count)
    print(f"{label}: {len(bomb) / 1024 / 1024:.2f} MB of XLSX")
    before = peak_mb()
    started = time.perf_counter()
    try:
        read_tables("bomb.xlsx", bomb)
    except BudgetImportError as refused:
        elapsed = time.perf_counter() - started
        print(f"refused in {elapsed * 1000:.0f} ms ({elapsed / baseline:.2f}× the baseline read)")
        print(f"message: {'；'.join(refused.problems)}")
    else:
        print("NOT REFUSED: the bomb was parsed")
        return
    after = peak_mb()
    print(f"process peak: {before:.0f} MB before, {after:.0f} MB after (grew {after - before:.0f} MB)")


if __name__ == "__main__":
    main()
