"""The public search's one relevance formula: BM25 with the title weighted 4× the body,
scored when a page is indexed.

A page's weight for a term (its *impact*) is BM25's term-frequency part,

    impact = f × (K1 + 1) / (f + K1 × (1 − B + B × length / LENGTH_PIVOT))

with f = TITLE_WEIGHT × (times in the title) + (times in the body) and `length` the page's
token count. It depends on the page alone, so it is computed once at indexing time and
stored with the term (search/backends/postings.py). A query's score for a page is then

    score = Σ over the query terms the page contains of idf(term) × impact

with idf from the index's document frequencies at query time. Storing impacts is what
lets the database backends read a page of results off per-term lists already in impact
order instead of scoring every match.

The one departure from textbook BM25 is the length pivot: a fixed mean page length
instead of the index's current mean, which would change every stored impact whenever a
page is added (pivoted length normalisation with a fixed pivot, as in Singhal et al.).
Measured mean lengths: 177 tokens on the benchmark's People's Daily pages; the pivot is
set a little above for the portal's longer notices. Both database backends rank with this
formula, so SQLite and PostgreSQL give the same order; Elasticsearch ranks with its own
BM25 over the same tokens and weights.
"""

import math
from collections import Counter

K1 = 1.2
B = 0.75
TITLE_WEIGHT = 4.0
LENGTH_PIVOT = 200.0


def term_impacts(title_tokens, body_tokens):
    """{term: impact} of one page from its space-joined analysed title and body tokens."""
    return impacts(title_tokens.split(), body_tokens.split())


def impacts(title, body):
    """{term: impact} of one page from its lists of analysed title and body tokens."""
    # Counter counts in C; the title's counts are then weighted (the same sums as adding
    # TITLE_WEIGHT per occurrence: small whole numbers are exact in floating point).
    freq = {term: float(n) for term, n in Counter(body).items()}
    for term, n in Counter(title).items():
        freq[term] = freq.get(term, 0.0) + TITLE_WEIGHT * n
    norm = K1 * (1 - B + B * (len(title) + len(body)) / LENGTH_PIVOT)
    return {term: f * (K1 + 1) / (f + norm) for term, f in freq.items()}


def idf(documents, df):
    """Inverse document frequency of a term in `df` of `documents` pages; positive even
    for a term in most pages (Lucene's form: log(1 + (N − df + ½) / (df + ½)))."""
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))
