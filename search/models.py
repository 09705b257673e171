"""Tables of the public search: the analysed documents, the vocabulary behind suggestions
and autocomplete, the editors' synonym list and the aggregated query log.

IndexEntry is the document store every backend shares: it holds the analysed tokens and
the filter fields, keyed by page id (not a foreign key, so a deleted page leaves a row the
removal task can still find). The inverted index itself lives in the backend (FTS5 table,
PostgreSQL tsvector table or Elasticsearch); the database backends also keep Posting rows
(each term of a page with its precomputed weight) to rank from, and TermCount holds the
index's document frequencies by site and type.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet

from .analysis import normalise


class IndexEntry(models.Model):
    page_id = models.BigIntegerField(primary_key=True)
    language = models.CharField(max_length=8, db_index=True)
    site_id = models.IntegerField(null=True, db_index=True)
    content_type = models.CharField(max_length=20, db_index=True)
    organisation_id = models.IntegerField(null=True, db_index=True)
    validity = models.CharField(max_length=10, blank=True)
    # The item's 索引号 in upper case, empty for none: an exact search (index_numbers.py).
    index_number = models.CharField(max_length=64, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, db_index=True)
    # When the page was last published: the drift check compares it with the page's.
    page_published_at = models.DateTimeField(null=True)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500)
    text = models.TextField(blank=True)
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Search document")


class IndexEntryColumn(models.Model):
    """The columns an entry appears in: its own and those it is syndicated to (P07)."""

    entry = models.ForeignKey(IndexEntry, on_delete=models.CASCADE, related_name="columns")
    column_id = models.IntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "column_id"], name="one_row_per_entry_column")
        ]


class VocabularyTerm(models.Model):
    """A term of the index with its document frequency and pinyin, for "您是不是要找" and
    autocomplete (S03, S04)."""

    language = models.CharField(max_length=8)
    term = models.CharField(max_length=64)
    df = models.IntegerField(default=0)
    pinyin = models.CharField(max_length=255, blank=True, db_index=True)
    initials = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "term"], name="one_vocabulary_term")]

    @staticmethod
    def is_counted(term):
        """Whether the indexer keeps this term's df: words of 2–32 characters, not numbers
        (single characters and numbers make poor suggestions and would bloat the table)."""
        return 2 <= len(term) <= 32 and not term.isdigit()


class Posting(models.Model):
    """One term of one indexed page with the page's BM25 weight for it (`impact`,
    search/ranking.py). The rank index lists a term's pages best first, ties newest first,
    which is the order of a one-term search; the primary key (page, term) serves removal
    and the lookups that score a page for the other terms of a query."""

    pk = models.CompositePrimaryKey("page_id", "term")
    page_id = models.BigIntegerField()
    term = models.CharField(max_length=64)
    language = models.CharField(max_length=8)
    impact = models.FloatField()
    # Seconds since the epoch of the page's date, 0 for none: only orders equal scores.
    published = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["language", "term", "-impact", "-published", "-page_id"], name="portal_search_rank"
            )
        ]


class TermCount(models.Model):
    """How many indexed pages of one site and content type contain a term: the document
    frequencies ranking needs, and a one-term search's count and facets without touching
    its matches. The empty term counts the pages themselves (N). Kept by
    search.indexing in the same transaction as the entries; rows that fall to zero stay
    and are ignored."""

    pk = models.CompositePrimaryKey("language", "term", "site_id", "content_type")
    language = models.CharField(max_length=8)
    term = models.CharField(max_length=64)
    site_id = models.IntegerField()
    content_type = models.CharField(max_length=20)
    df = models.IntegerField(default=0)


@register_snippet
class Synonym(models.Model):
    """An editor-maintained group of equivalent search terms (三公 ↔ 三公经费)."""

    terms = models.CharField(
        _("Synonyms"),
        max_length=500,
        help_text=_(
            "A group of synonyms separated by commas or spaces, e.g. 三公，三公经费. Searching for any one of them also searches for the others."
        ),
    )
    panels = [FieldPanel("terms")]

    class Meta:
        verbose_name = _("Search synonym group")
        verbose_name_plural = _("Search synonym groups")

    def __str__(self):
        return self.terms

    def term_list(self):
        import re

        return [t for t in re.split(r"[,，、;；\s]+", self.terms) if t]

    def clean(self):
        if len(self.term_list()) < 2:
            raise ValidationError({"terms": "请至少填写两个同义词。"})


class QueryLog(models.Model):
    """How often a normalised query was searched on a day. No IP address, user, session or
    time of day is stored: only the daily aggregate (M22)."""

    day = models.DateField()
    language = models.CharField(max_length=8)
    query = models.CharField(max_length=100)
    count = models.PositiveIntegerField(default=0)
    # Searches of this query that found something: hot terms list only those.
    hits = models.PositiveIntegerField(default=0)
    # How many different clients searched it that day: a number only. Who was already
    # counted is known from markers in the cache that end with the day (search/hot_terms.py).
    clients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "language", "query"], name="one_log_row_per_day")
        ]


class SensitiveWord(models.Model):
    """A word of the editors' sensitive-word dictionary: a search term containing it is
    never offered as a hot term unless an editor approves that term. The shipped seed list
    (search/dict/sensitive_words.txt) applies as well; this table adds to it."""

    class Category(models.TextChoices):
        POLITICS = "politics", _("Political")
        OBSCENE = "obscene", _("Obscene")
        GAMBLING = "gambling", _("Gambling")
        FRAUD = "fraud", _("Fraud and illegal services")
        CONTRABAND = "contraband", _("Weapons and drugs")
        MARKUP = "markup", _("Code and markup")
        OTHER = "other", _("Other")

    word = models.CharField(
        _("Sensitive word"),
        max_length=50,
        unique=True,
        help_text=_(
            "A hot search term containing this word (in simplified or traditional characters, any case) is held until an editor approves it."
        ),
    )
    category = models.CharField(
        _("Category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    note = models.CharField(_("Note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("Added"), auto_now_add=True)

    class Meta:
        verbose_name = _("Sensitive word")
        verbose_name_plural = _("Sensitive words")
        ordering = ["category", "word"]
        # One permission covers the dictionary and the hot terms (HotTerm.Meta).
        default_permissions = ()

    def __str__(self):
        return self.word

    def clean(self):
        self.word = (self.word or "").strip()
        if not normalise(self.word).strip():
            raise ValidationError({"word": _("Enter a word.")})


class HotTerm(models.Model):
    """An editor's decision on one search term of the hot terms: approved (shown although
    it contains a sensitive word) or hidden (never shown). Terms without a row are shown
    automatically when enough clients searched them and they contain no sensitive word."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")

    language = models.CharField(max_length=8)
    query = models.CharField(_("Search term"), max_length=100)
    status = models.CharField(_("Decision"), max_length=10, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("Decided at"), auto_now=True)

    class Meta:
        verbose_name = _("Hot search term")
        verbose_name_plural = _("Hot search terms")
        constraints = [models.UniqueConstraint(fields=["language", "query"], name="one_hot_term_decision")]
        default_permissions = ()
        # Cluster-wide: granted to superusers and to the groups an administrator chooses
        # (Settings → Groups), never by site provisioning.
        permissions = [("manage_hot_terms", "管理热门搜索词和敏感词库")]

    def __str__(self):
        return self.query
