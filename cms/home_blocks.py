"""The blocks of a site's home page, as Chinese government portals lay them out: 要闻 (a
lead story with its picture), 图片新闻, 政务动态, 通知公告, 政府信息公开 with links into its
目录, 指南 and 年报, 互动交流 entrances, 办事服务 and 专题专栏.

Each block's column is found by its column type (P02, cms.pages.ColumnType), never by a
slug, so a county or department site with other slugs or fewer columns gets the blocks it
has columns for. A parent column's list holds its sub-columns' items (cms.listing), so
政务动态 fills from 工作动态, 部门动态 and 县区动态.

The cost is fixed whatever the size of the site: one query for the columns, one for the
newest items, one for the pictures (and one for their renditions), one per listed block
(at most MORE_COLUMNS besides the typed ones), one for the topics.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from wagtail.images import get_image_model

from .pages import ArticlePage, ColumnPage, ColumnType, TopicPage, latest_articles

LEAD_PICTURES = 5  # the lead story and four 图片新闻
LATEST_ITEMS = 8
FEED_ITEMS = 7
TOPICS = 8
MORE_COLUMNS = 4  # menu columns without a block of their own (政策文件, 政策解读…)
# How deep below the home page a block's column may stand: top-level columns and their
# sub-columns (互动交流 → 市长信箱; 政府信息公开 → 信息公开目录).
DEPTH_BELOW_HOME = 2

# Blocks listing the newest items of a column, in page order.
FEED_TYPES = {
    "news": ColumnType.NEWS,
    "notices": ColumnType.NOTICE,
    "services": ColumnType.SERVICES,
}
# 政府信息公开: the catalogue column and the links shown under its list.
DISCLOSURE_LINK_TYPES = (
    ColumnType.CATALOGUE,
    ColumnType.GUIDE,
    ColumnType.ANNUAL_REPORT,
    ColumnType.APPLY,
)
# A site without a catalogue column (a department's) links its disclosure columns instead.
DISCLOSURE_FALLBACK_TYPES = (
    ColumnType.FUNCTIONS,
    ColumnType.LEADERS,
    ColumnType.PLANNING,
    ColumnType.PERSONNEL,
    ColumnType.BUDGET,
)
INTERACTION_TYPES = (ColumnType.CONSULT, ColumnType.SURVEY, ColumnType.INTERVIEW)


@dataclass
class Block:
    """One block: its column (the heading links to it), items and entrance links."""

    column: object
    items: list = field(default_factory=list)
    links: list = field(default_factory=list)


@dataclass
class HomeBlocks:
    lead: object = None  # the newest news item with a picture
    latest: list = field(default_factory=list)  # 要闻: the site's newest items but the lead
    pictures: list = field(default_factory=list)
    news: Block | None = None
    notices: Block | None = None
    disclosure: Block | None = None
    interaction: Block | None = None
    services: Block | None = None
    more: list = field(default_factory=list)  # Blocks of other menu columns
    topics: list = field(default_factory=list)

    @property
    def feeds(self):
        """The blocks listing items, in page order (the WAP home lists these)."""
        blocks = [self.news, self.notices, self.disclosure, self.services, self.interaction, *self.more]
        return [b for b in blocks if b is not None and b.column is not None]


def block_columns(home):
    """The site's live columns down to DEPTH_BELOW_HOME, shallowest first (one query: a
    site has a few dozen columns at these depths)."""
    return list(
        ColumnPage.objects.live()
        .descendant_of(home)
        .filter(depth__lte=home.depth + DEPTH_BELOW_HOME)
        .order_by("depth", "path")
    )


def _first(columns, column_type):
    return next((column for column in columns if column.column_type == column_type), None)


def _feed(column, count):
    return list(column.articles()[:count])


def _pictures(column, count):
    """The newest items with a cover image listed in `column` (its sub-columns' too), with
    their images and renditions."""
    renditions = get_image_model().get_rendition_model().objects.all()
    return list(
        ArticlePage.objects.live()
        .filter(listings__column=column, cover_image__isnull=False)
        .defer_streamfields()
        .select_related("cover_image")
        .prefetch_related(Prefetch("cover_image__renditions", queryset=renditions))
        .order_by("-listings__published_at", "-listings__article")[:count]
    )


def _disclosure(columns, home):
    hub = _first(columns, ColumnType.CATALOGUE)
    if hub is None:
        links = [
            c for c in columns if c.column_type in DISCLOSURE_FALLBACK_TYPES and c.depth == home.depth + 1
        ]
        return Block(column=None, links=links) if links else None
    # The 目录 under the hub (a hub without one is its own 目录: its heading links it), the
    # 指南, the 年报 and 依法申请公开, wherever they stand.
    links = [_first([c for c in columns if c.pk != hub.pk], t) for t in DISCLOSURE_LINK_TYPES]
    return Block(column=hub, items=_feed(hub, FEED_ITEMS), links=[c for c in links if c])


def _interaction(columns):
    """互动交流: the shallowest such column, with its sub-columns (市长信箱, 征集调查, 在线访谈)
    as entrances; a lone 咨询投诉 column is its own entrance."""
    candidates = [c for c in columns if c.column_type in INTERACTION_TYPES]
    if not candidates:
        return None
    hub = candidates[0]
    entrances = [c for c in candidates if c.path.startswith(hub.path) and c.pk != hub.pk]
    if not entrances:  # no hub: the site's interaction columns side by side
        entrances = candidates
        hub = None if len(candidates) > 1 else candidates[0]
    return Block(column=hub, items=_feed(hub, FEED_ITEMS) if hub else [], links=entrances)


def home_blocks(home):
    columns = block_columns(home)
    blocks = HomeBlocks()
    for name, column_type in FEED_TYPES.items():
        column = _first(columns, column_type)
        if column is not None:
            setattr(blocks, name, Block(column=column, items=_feed(column, FEED_ITEMS)))
    if blocks.news is not None:
        pictures = _pictures(blocks.news.column, LEAD_PICTURES)
        blocks.lead, blocks.pictures = (pictures[0], pictures[1:]) if pictures else (None, [])
    lead_pk = blocks.lead.pk if blocks.lead else None
    blocks.latest = [a for a in latest_articles(home, LATEST_ITEMS + 1) if a.pk != lead_pk][:LATEST_ITEMS]
    blocks.disclosure = _disclosure(columns, home)
    blocks.interaction = _interaction(columns)
    used = {
        b.column.pk
        for b in (blocks.news, blocks.notices, blocks.disclosure, blocks.services, blocks.interaction)
        if b and b.column
    }
    used |= {c.pk for b in (blocks.disclosure, blocks.interaction) if b for c in b.links}
    more = [c for c in columns if c.depth == home.depth + 1 and c.show_in_menus and c.pk not in used]
    # Only those with items: a block saying "no items yet" on the home page reads as a
    # neglected site (the menu still links the column).
    more_blocks = [Block(column=c, items=_feed(c, FEED_ITEMS)) for c in more[:MORE_COLUMNS]]
    blocks.more = [b for b in more_blocks if b.items]
    blocks.topics = list(TopicPage.objects.live().descendant_of(home).order_by("path")[:TOPICS])
    return blocks
