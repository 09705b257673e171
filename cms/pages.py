"""Page types of every site: home page, columns (栏目), articles (信息) and topics (专题)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy, pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, WorkflowPage, get_page_models
from wagtail.search import index

from . import page_events
from .blocks import RICH_TEXT_FEATURES, ArticleBodyBlock, TopicSectionBlock
from .catalogue import catalogue_filters
from .disclosure import Validity, allocate_index_number, in_force
from .fields import MultipleChoiceField
from .items import RENDERED_CHANNELS, Item, SearchDocument
from .listing import ListingWindow, child_lists, sync_listings
from .page_forms import PageForm
from .paging import page_of
from .restrictions import ViewRestrictionsInOneQuery
from .review_gate import ReviewGatedPage
from .routing import by_slug
from .routing import route as route_by_url_path
from .snippets import INDEX_NUMBER_MAX_LENGTH
from .tree import children_path_range, set_cached_parent


def stream_text(value):
    """The searchable text of a StreamField value, blocks joined by spaces."""
    if not value:
        return ""
    return " ".join(str(t) for t in value.stream_block.get_searchable_content(value) if t)


class ColumnType(models.TextChoices):
    """P02: the enumerated ColumnType of the page-label meta tags. The labels are the
    English names Django derived from the members (so the migration state is unchanged),
    translated back to the values in the zh_Hans catalogue."""

    HOME = "首页", pgettext_lazy("column type", "Home")
    OVERVIEW = "概况信息", pgettext_lazy("column type", "Overview")
    FUNCTIONS = "机构职能", pgettext_lazy("column type", "Functions")
    LEADERS = "负责人信息", pgettext_lazy("column type", "Leaders")
    NEWS = "工作动态", pgettext_lazy("column type", "News")
    POLICY = "政策文件", pgettext_lazy("column type", "Policy")
    GUIDE = "信息公开指南", pgettext_lazy("column type", "Guide")
    CATALOGUE = "信息公开目录", pgettext_lazy("column type", "Catalogue")
    ANNUAL_REPORT = "信息公开年报", pgettext_lazy("column type", "Annual Report")
    APPLY = "依法申请公开", pgettext_lazy("column type", "Apply")
    DATA_RELEASE = "数据发布", pgettext_lazy("column type", "Data Release")
    OPEN_DATA = "数据开放", pgettext_lazy("column type", "Open Data")
    INTERPRETATION = "政策解读", pgettext_lazy("column type", "Interpretation")
    RESPONSE = "回应关切", pgettext_lazy("column type", "Response")
    SERVICES = "办事服务", pgettext_lazy("column type", "Services")
    CONSULT = "咨询投诉", pgettext_lazy("column type", "Consult")
    SURVEY = "征集调查", pgettext_lazy("column type", "Survey")
    INTERVIEW = "在线访谈", pgettext_lazy("column type", "Interview")
    NOTICE = "通知公告", pgettext_lazy("column type", "Notice")
    PERSONNEL = "人事信息", pgettext_lazy("column type", "Personnel")
    PLANNING = "规划计划", pgettext_lazy("column type", "Planning")
    BUDGET = "财政预决算", pgettext_lazy("column type", "Budget")


class UpdateFrequency(models.TextChoices):
    """M06: how often a column must get a new item; the day counts are in DAYS below."""

    NEWS = "news", "动态类（14天）"
    NOTICE = "notice", "通知公告、政策文件类（6个月）"
    PLANNING = "planning", "人事、规划计划类（12个月）"
    NONE = "none", "不要求"


UPDATE_FREQUENCY_DAYS = {
    UpdateFrequency.NEWS: 14,
    UpdateFrequency.NOTICE: 182,
    UpdateFrequency.PLANNING: 365,
    UpdateFrequency.NONE: None,
}

# Column types whose default review is the site's two-step (初审 → 终审) workflow.
NEWS_COLUMN_TYPES = {ColumnType.NEWS, ColumnType.NOTICE, ColumnType.RESPONSE}


class Channel:
    """The keys of the channels the platform ships. What a column may choose, and what each
    is called, comes from the configured adapters (settings.CHANNEL_ADAPTERS)."""

    WEB = "web"
    WAP = "wap"
    WECHAT = "wechat"
    APP = "app"


# Image widths (px) the app API offers for devices, each as WebP with a JPEG fallback.
API_IMAGE_WIDTHS = {"small": 240, "medium": 480, "large": 1080}


class CounterpartMixin(models.Model):
    """An explicit link to the same content on the other-language portal. The English
    portal is its own tree, not a Wagtail translation (which would be served at the
    Chinese host's URLs)."""

    counterpart = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=gettext_lazy("Counterpart in the other language"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class HomePage(ViewRestrictionsInOneQuery, ReviewGatedPage, CounterpartMixin, Page):
    base_form_class = PageForm  # as every item type's (cms.items.Item)
    intro = RichTextField(gettext_lazy("Introduction"), blank=True, features=RICH_TEXT_FEATURES)
    default_news_workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=gettext_lazy("Default review workflow for news columns"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    settings_panels = Page.settings_panels + [
        FieldPanel("default_news_workflow", permission="wagtailcore.change_workflow"),
        PageChooserPanel("counterpart"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    # No subpage_types: what may stand under a home page or a column is said by each child
    # type's parent_page_types, so a content app adds its types without editing this one.
    max_count_per_parent = 1

    wap_view = "channels.wap.views.home_view"

    class Meta:
        verbose_name = gettext_lazy("Site home page")

    @by_slug
    def route(self, request, path_components):
        """Every public address of the site starts here: one query finds the pages of the
        whole address (cms.routing) instead of two per level."""
        return route_by_url_path(self, request, path_components, ColumnPage)

    # The blocks of real portals (要闻, 图片新闻, 政务动态…) are gathered by the template's
    # {% home_blocks %} tag (cms.home_blocks, which builds on this module).


def latest_articles(ancestor, limit):
    """The newest live articles anywhere below `ancestor`, for home and topic feeds."""
    return list(
        ArticlePage.objects.live()
        .descendant_of(ancestor)
        .defer_streamfields()
        .order_by("-published_at", "-pk")[:limit]
    )


def listed_articles():
    """The articles a list shows, with what a list row needs loaded."""
    return ArticlePage.objects.live().defer_streamfields().select_related("organisation")


class ColumnPage(Item, Page):
    """A column (栏目): lists its own articles, its sub-columns' and those syndicated into
    any of them."""

    column_type = models.CharField(
        gettext_lazy("Column type"), max_length=20, choices=ColumnType, default=ColumnType.NEWS
    )
    description = models.CharField(gettext_lazy("Column description"), max_length=300, blank=True)
    keywords = models.CharField(gettext_lazy("Column keywords"), max_length=200, blank=True)
    update_frequency = models.CharField(
        gettext_lazy("Required update frequency"),
        max_length=10,
        choices=UpdateFrequency,
        default=UpdateFrequency.NEWS,
    )
    # The configured channels (a dotted path: the content model does not import channels/).
    channels = MultipleChoiceField(
        gettext_lazy("Publishing channels"),
        choices="channels.adapters.channel_choices",
        blank=True,
        help_text=gettext_lazy("The channels this column's items are published to."),
    )
    review_workflow = models.ForeignKey(
        "wagtailcore.Workflow",
        verbose_name=gettext_lazy("Review workflow"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy(
            "If left empty, news and notice columns use the site's default two-step review (first review → final review)."
        ),
    )

    content_panels = Page.content_panels + [
        FieldPanel("column_type"),
        FieldPanel("description"),
        FieldPanel("keywords"),
    ]
    settings_panels = Page.settings_panels + [
        FieldPanel("update_frequency"),
        FieldPanel("channels"),
        # Who may change a column's review: those who manage workflows (site administrators);
        # an approver who could unset it would publish around it (cms.review_gate).
        FieldPanel("review_workflow", permission="wagtailcore.change_workflow"),
    ]
    parent_page_types = ["cms.HomePage", "cms.ColumnPage"]

    item_key = "column"
    item_label = gettext_lazy("Column")
    item_channels = RENDERED_CHANNELS
    column_section = True  # offered in directory columns, not in leaf ones (cms.items)
    wap_view = "channels.wap.views.column_view"

    class Meta:
        verbose_name = gettext_lazy("Column")

    # -- the item protocol (cms.items) -----------------------------------------------------

    def search_document(self):
        return SearchDocument(parts=[self.description], meta=[self.keywords])

    def page_label_tags(self, portal, request, format_time):
        return [
            ("ColumnName", self.title),
            ("ColumnDescription", self.description or self.search_description or self.title),
            ("ColumnKeywords", self.keywords or self.title),
            ("ColumnType", self.column_type),
        ]

    @property
    def update_days(self):
        return UPDATE_FREQUENCY_DAYS[self.update_frequency]

    def articles(self):
        """Live articles of this column: its children, those of its sub-columns at any depth
        and those syndicated into any of them (P07), newest first, through the column's
        listing rows (cms.listing)."""
        return (
            listed_articles()
            .filter(listings__column=self)
            .order_by("-listings__published_at", "-listings__article")
        )

    @by_slug
    def route(self, request, path_components):
        """Wagtail finds the child named by the URL among get_children(), which SQLite answers
        by walking the (depth, path) index over every child of a long column (7 ms at 20k
        articles); the slug's own index finds the few pages with that slug directly."""
        if not path_components:
            return super().route(request, path_components)
        slug, remaining = path_components[0], path_components[1:]
        candidates = Page.objects.filter(slug=slug, path__range=children_path_range(self.path))
        child = next((page for page in candidates if page.depth == self.depth + 1), None)
        if child is None:
            raise Http404
        set_cached_parent(child, self)  # as Wagtail does: saves a query in get_context
        return child.specific.route(request, remaining)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles()
        # P12: ?validity=in_force leaves out repealed and expired documents.
        in_force_only = request.GET.get("validity") == "in_force"
        if in_force_only:
            articles = in_force(articles)
        last_event = page_events.last_event(request)
        # G06: a directory column is browsed by subject category and issuing organisation.
        browse = None
        if self.column_type == ColumnType.CATALOGUE:
            browse = catalogue_filters(self, request.GET, last_event)
        if browse and browse.chosen:
            articles = articles.filter(**browse.lookups)
        filtered = in_force_only or bool(browse and browse.chosen)
        # Counting is the one part of a list whose cost grows with the column's length
        # (~10 ms at 20k items on SQLite), so counts are cached until the next page event
        # (publish, unpublish, move, delete) is logged anywhere; the newest log entry is an
        # indexed lookup of constant cost, made once for all of the page's lists.
        count_key = f"column-article-count:{self.pk}:{last_event}:{int(in_force_only)}"
        if browse and browse.chosen:
            count_key += ":" + ":".join(f"{k}={v}" for k, v in sorted(browse.lookups.items()))
        count = cache.get(count_key)
        if count is None:
            count = articles.count()
            cache.set(count_key, count, 3600)
        # Unfiltered, a page is a range of the listing index alone (cms.listing.ListingWindow),
        # so page 500 costs what page 1 does.
        items = articles if filtered else ListingWindow(self.pk, listed_articles(), count)
        page_obj = self._page_of(request, items, "page", count)
        # Pages of other apps' types among the children (cms.listing.ChildList), each list
        # paged on its own. Their ordered ids are cached as the count is: an empty list then
        # costs no query, a page of one costs one lookup by primary key.
        lists = []
        for child_list in child_lists(self):
            ids_key = f"column-child-ids:{self.pk}:{child_list.key}:{last_event}"
            ids = cache.get(ids_key)
            if ids is None:
                ids = child_list.child_ids(self)
                cache.set(ids_key, ids, 3600)
            if ids:
                child_page = self._page_of(request, ids, child_list.page_param)
                child_page.object_list = child_list.rows(child_page.object_list)
                lists.append((child_list, child_page, self._query_without(request, child_list.page_param)))
        context["in_force_only"] = in_force_only
        context["browse"] = browse
        context["page_obj"] = page_obj
        context["articles"] = page_obj.object_list
        context["page_query"] = self._query_without(request, "page")
        # An interview column holds only interviews: no empty "no items yet" article list.
        context["show_articles"] = bool(page_obj.paginator.count or filtered or not lists)
        context["child_lists"] = lists
        context["subcolumns"] = self.child_sections(ColumnPage)
        return context

    @staticmethod
    def _page_of(request, items, param, count=None):
        return page_of(items, request.GET.get(param, 1), settings.COLUMN_PAGE_SIZE, count)

    @staticmethod
    def _query_without(request, param):
        """The request's query string without `param`, ending in "&" when not empty, so a
        list's page links keep the other lists' pages and the validity filter."""
        query = request.GET.copy()
        query.pop(param, None)
        encoded = query.urlencode()
        return f"{encoded}&" if encoded else ""

    def child_sections(self, *models):
        """The live children of these page types or their subclasses (sub-columns of any
        kind, the budget column included; topics) in tree order.

        A long column has thousands of article children sharing its path prefix. The query
        is driven by the content-type index (few rows per type); grandchildren are left out
        here rather than by a depth condition, because with one SQLite walks the (depth,
        path) index over every child of the column: 9 ms instead of 0.3 ms at 20k articles.
        """
        types = [
            ContentType.objects.get_for_model(model)
            for model in get_page_models()
            if issubclass(model, models) and not model._meta.abstract
        ]
        pages = (
            Page.objects.live()
            .filter(content_type__in=types, path__range=children_path_range(self.path))
            .order_by("path")
        )
        return [page for page in pages if page.depth == self.depth + 1]

    def save(self, *args, **kwargs):
        if self.review_workflow_id is None and self.column_type in NEWS_COLUMN_TYPES:
            self.review_workflow_id = self._site_default_news_workflow_id()
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "review_workflow" in update_fields:
            # Only when the row's workflow is written: a draft of a live column (a revision;
            # its save writes only the revision fields) changes nothing until published.
            self._sync_workflow_assignment()

    def _site_default_news_workflow_id(self):
        home = HomePage.objects.filter(path=self.path[: HomePage.steplen * 2]).first()
        if home is None:  # not saved in the tree yet; the parent tells
            parent = self.get_parent() if self.path else None
            home = parent and HomePage.objects.ancestor_of(parent, inclusive=True).first()
        return home.default_news_workflow_id if home else None

    def _sync_workflow_assignment(self):
        """Keep Wagtail's own workflow assignment (used by the admin) equal to the field."""
        if self.review_workflow_id:
            WorkflowPage.objects.update_or_create(
                page=self.page_ptr, defaults={"workflow_id": self.review_workflow_id}
            )
        else:
            WorkflowPage.objects.filter(page=self.page_ptr).delete()


class ArticlePage(Item, CounterpartMixin, Page):
    """An item (信息) with its disclosure metadata (G02)."""

    summary = models.TextField(gettext_lazy("Summary"), blank=True, max_length=500)
    body = StreamField(ArticleBodyBlock(), verbose_name=gettext_lazy("Body"), blank=True)
    source = models.CharField(gettext_lazy("Source"), max_length=100, blank=True)
    author = models.CharField(gettext_lazy("Author"), max_length=50, blank=True)
    published_at = models.DateTimeField(
        gettext_lazy("Published"),
        null=True,
        blank=True,
        db_index=True,
        help_text=gettext_lazy(
            "The publication time shown on the page; if left empty, the time of first publication is used."
        ),
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=gettext_lazy("Cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    index_number = models.CharField(
        gettext_lazy("Index No."),
        max_length=INDEX_NUMBER_MAX_LENGTH,
        null=True,
        blank=True,
        unique=True,
        editable=False,
    )
    doc_number = models.CharField(
        gettext_lazy("Official document number"),
        max_length=100,
        blank=True,
        help_text=gettext_lazy("e.g. 郴政办函〔2014〕82号"),
    )
    written_at = models.DateField(gettext_lazy("Date written"), null=True, blank=True)
    category = models.ForeignKey(
        "cms.SubjectCategory",
        verbose_name=gettext_lazy("Subject category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    organisation = models.ForeignKey(
        "cms.Organisation",
        verbose_name=gettext_lazy("Issuing organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    keywords = models.CharField(gettext_lazy("Subject terms"), max_length=200, blank=True)
    validity = models.CharField(
        gettext_lazy("Validity"), max_length=10, choices=Validity, blank=True, default=Validity.NONE
    )
    effective_at = models.DateField(gettext_lazy("Effective date"), null=True, blank=True)
    expires_at = models.DateField(
        gettext_lazy("Valid until"),
        null=True,
        blank=True,
        db_index=True,
        help_text=gettext_lazy("After this day, the validity changes to “Expired” automatically."),
    )
    syndicate_to = ParentalManyToManyField(
        "cms.ColumnPage",
        verbose_name=gettext_lazy("Also published in columns"),
        blank=True,
        related_name="syndicated_articles",
        help_text=gettext_lazy(
            "Shows this item in columns of other sites by reference (edited only here; everywhere it links to this site's address)."
        ),
    )
    external_id = models.CharField(
        gettext_lazy("External ID"), max_length=100, null=True, blank=True, unique=True, editable=False
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("source"),
                FieldPanel("author"),
                FieldPanel("published_at"),
                FieldPanel("cover_image"),
            ],
            "发布信息",
        ),
        InlinePanel("attachments", label="附件"),
        MultiFieldPanel(
            [
                FieldPanel("organisation"),
                FieldPanel("doc_number"),
                FieldPanel("written_at"),
                FieldPanel("category"),
                FieldPanel("keywords"),
                FieldPanel("validity"),
                FieldPanel("effective_at"),
                FieldPanel("expires_at"),
            ],
            "信息公开",
        ),
    ]
    settings_panels = Page.settings_panels + [
        FieldPanel("syndicate_to"),
        PageChooserPanel("counterpart"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("published_at"),
    ]
    parent_page_types = ["cms.ColumnPage"]
    subpage_types = []
    exclude_fields_in_copy = ["index_number", "external_id"]
    # What the APIs expose (the app API, channels/api, and Wagtail's API v2); images come as
    # renditions in the named widths.
    api_fields = [
        APIField(name)
        for name in (
            "summary",
            "source",
            "author",
            "published_at",
            "index_number",
            "doc_number",
            "written_at",
            "keywords",
            "validity",
            "body",
            "cover_image",
            "organisation",
            "category",
        )
    ]

    item_key = "article"
    item_label = gettext_lazy("Information")
    api_serializer = "channels.api.serializers.ArticleSerializer"
    wap_view = "channels.wap.views.article_view"

    class Meta:
        verbose_name = gettext_lazy("Information")

    @property
    def display_time(self):
        return self.published_at or self.first_published_at

    # -- the item protocol (cms.items) -----------------------------------------------------

    def item_moment(self):
        return self.display_time

    def search_document(self):
        return SearchDocument(
            parts=[self.summary, stream_text(self.body)],
            meta=[self.doc_number, self.keywords, self.organisation.name if self.organisation_id else ""],
        )

    def content_source(self, portal):
        return self.source or super().content_source(portal)

    def label_image(self):
        return self.cover_image if self.cover_image_id else None

    def clean(self):
        super().clean()
        if self.effective_at and self.expires_at and self.expires_at < self.effective_at:
            raise ValidationError({"expires_at": "有效期截止日期不能早于施行日期。"})

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One query for the attachments and their documents, not one per attachment, and
        # none for an article routing read without any (routed_queryset).
        if getattr(self, "has_attachments", True) is False:
            context["attachments"] = []
        else:
            context["attachments"] = list(self.attachments.select_related("document"))
        return context

    @classmethod
    def routed_queryset(cls):
        """How routing (cms.routing) reads an article it serves: with whether it has any
        attachments in the database (a preview's draft object has no such attribute)."""
        attached = ArticleAttachment.objects.filter(page=OuterRef("pk"))
        return cls._base_manager.annotate(has_attachments=Exists(attached))

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        # Saving a draft of a live item writes only a few columns (update_fields): a number
        # issued then would be consumed and lost, so it is issued when the draft is published.
        writes_number = update_fields is None or "index_number" in update_fields
        if self.pk and not self.index_number and writes_number:
            # Revisions drafted before the first publish carry no 索引号: keep the issued one.
            self.index_number = (
                ArticlePage.objects.filter(pk=self.pk).values_list("index_number", flat=True).first()
            )
        if self.live and writes_number:
            if self.published_at is None:
                self.published_at = self.go_live_at or timezone.now()
            if not self.index_number and self.organisation_id:
                self.index_number = allocate_index_number(
                    self.organisation, timezone.localtime(self.published_at).year
                )
        super().save(*args, **kwargs)
        if update_fields is None:
            # A full save stores the version being published, syndication targets included
            # (draft saves write only a few fields and must not list a draft's targets).
            sync_listings(self)


class ArticleAttachment(Orderable):
    """A downloadable attachment: an uploaded document or a link to a legacy file."""

    page = ParentalKey(ArticlePage, related_name="attachments", on_delete=models.CASCADE)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=gettext_lazy("File"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(gettext_lazy("Name"), max_length=200, blank=True)
    url = models.URLField(gettext_lazy("External URL"), blank=True, max_length=500)

    panels = [FieldPanel("document"), FieldPanel("title"), FieldPanel("url")]

    @property
    def href(self):
        return self.document.url if self.document else self.url

    @property
    def label(self):
        return self.title or (self.document.title if self.document else self.url)


class TopicPage(Item, Page):
    """A special topic (专题) assembled from sections."""

    summary = models.TextField(gettext_lazy("Introduction"), blank=True, max_length=500)
    sections = StreamField(TopicSectionBlock(), verbose_name=gettext_lazy("Topic sections"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("sections")]
    parent_page_types = ["cms.HomePage", "cms.ColumnPage"]
    subpage_types = []
    api_fields = [APIField("summary"), APIField("sections")]

    item_key = "topic"
    item_label = gettext_lazy("Special topic")
    item_channels = RENDERED_CHANNELS
    column_section = True  # offered in directory columns, not in leaf ones (cms.items)
    api_serializer = "channels.api.serializers.TopicSerializer"
    wap_view = "channels.wap.views.topic_view"

    class Meta:
        verbose_name = gettext_lazy("Special topic")

    # -- the item protocol (cms.items) -----------------------------------------------------

    def search_document(self):
        return SearchDocument(parts=[self.summary, stream_text(self.sections)])

    def page_label_tags(self, portal, request, format_time):
        return [("ColumnName", self.title), ("ColumnDescription", self.summary or self.title)]
