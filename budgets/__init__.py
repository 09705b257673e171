"""Budget and final-accounts disclosures (G07–G11): the nine standard tables, the 三公
record, their import from the project's CSV/XLSX templates, the publishing rules, the
coverage of a year, and the charts and downloads of the public pages.

The page models live in budgets.pages (registered through budgets.models); everything
else here is plain Python over those pages' stored tables.
"""
