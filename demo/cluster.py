"""Builds the demo cluster from the plan (demo/plan.py) through the real code paths.

Sites come from sites.provisioning.provision_site; pages are added with add_child and
published through save_revision().publish(), so 索引号 allocation, workflow assignment and
the page_published listeners all run as they do for editors. Every object is looked up
by a stable key first (hostname, slug, external_id, title within a collection, username),
which makes a second run change nothing and finish quickly. add_child has just validated
each new page, so its first revision is saved without validating the same values again.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site
from wagtail.users.models import UserProfile

from cms.pages import ArticleAttachment, ArticlePage, ColumnPage, HomePage, TopicPage
from cms.snippets import Organisation, SubjectCategory
from interaction.mailbox import HandlerMembership, MailboxPage
from sites.provisioning import ROLE_NAMES, provision_site, remove_placeholder_site

from . import english, plan
from .broadcasts import ensure_broadcasts
from .budgets import ensure_budget_disclosures
from .consultations import ensure_consultations
from .content import load_seed, paragraphs_html, summary_of
from .images import draw_chart, draw_landscape, to_image_file
from .interviews import ensure_interviews
from .mailbox import ensure_mailbox
from .monitor import ensure_monitoring

DEMO_PASSWORD = "demo-password-2014"  # noqa: S105 - dev-only accounts, printed by load_demo
DEMO_ROLE_SITES = ("www", "bhq")
EXTERNAL_PREFIX = "demo:"

# English articles that have a Chinese counterpart on www (English slug → Chinese title).
EN_COUNTERPARTS = {
    "portal-publishes-27423-items": "市政府门户网站上半年发布信息27423条 同比增长10.5%",
    "mayors-mailbox-replies": "市长信箱上半年收到信件967封 回复率达93.69%",
    "video-conferences-served": "市政府视频会议系统上半年保障52次视频会议",
    "congress-proposals-online": "人大代表建议政协提案网上办理系统上线运行",
}


@dataclass
class Report:
    """What one run did, for the command's summary."""

    created: dict = field(
        default_factory=lambda: {"站点": 0, "栏目": 0, "信息": 0, "专题": 0, "图片": 0, "文件": 0}
    )
    accounts: list = field(default_factory=list)

    def add(self, kind, n=1):
        self.created[kind] += n

    @property
    def anything_created(self):
        return any(self.created.values())


class DemoBuilder:
    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.report = Report()
        self.Image = get_image_model()
        self.Document = get_document_model()
        self.sites = {}
        self.columns = {}  # site key → {slug: ColumnPage}
        self.organisations = {}
        self.categories = {}
        self._images = {}
        self._documents = {}
        self._external_ids = set()

    # -- the whole cluster ------------------------------------------------------------
    @transaction.atomic
    def build(self):
        remove_placeholder_site()
        self.ensure_registers()
        for spec in plan.SITES:
            self.ensure_site(spec)
        self._preload()
        for site_key, columns in plan.plan_chinese_sites().items():
            self.ensure_columns(site_key, self.sites[site_key].home, columns)
        for site_key, columns in plan.plan_chinese_sites().items():
            for column_plan in columns:
                for column in column_plan.walk():
                    for article in column.articles:
                        self.ensure_article(site_key, self.columns[site_key][column.slug], article)
        self.ensure_topics()
        self.ensure_english()
        self.ensure_homes()
        self.report.created["预决算公开"] = ensure_budget_disclosures(self.columns["www"]["czyjs"])
        self.report.created["在线访谈"] = ensure_interviews(self.columns["www"]["zxft"], self.now)
        self.report.created["市长信箱"] = ensure_mailbox(
            self.columns["www"]["hdjl"], self.organisations, self.now
        )
        self.report.created["征集调查"] = ensure_consultations(self.columns["www"]["zjdc"], self.now)
        self.report.created["电视问政"] = ensure_broadcasts(self.columns["www"]["dswz"], self.now)
        self.report.created["网站监测设置"] = ensure_monitoring(
            self.sites, MailboxPage.objects.child_of(self.columns["www"]["hdjl"]).get(slug="zxts")
        )
        if getattr(settings, "DEMO_ACCOUNTS_ENABLED", False):
            self.ensure_accounts()
        return self.report

    def ensure_registers(self):
        by_key = {}
        for key, name, name_en, division, serial, parent in plan.ORGANISATIONS:
            code = plan.credit_code(division, serial)
            org = Organisation.objects.filter(credit_code=code).first()
            if org is None:
                org = Organisation.objects.create(
                    name=name,
                    name_zh_hans=name,
                    name_en=name_en,
                    credit_code=code,
                    parent=by_key.get(parent),
                )
            by_key[key] = org
        self.organisations = by_key
        for code, name in plan.CATEGORIES:
            self.categories[name] = SubjectCategory.objects.get_or_create(name=name, defaults={"code": code})[
                0
            ]

    def ensure_site(self, spec):
        # The port the demo is served on, so cross-site links (syndicated items, search
        # results) work as printed: 8000 under `make serve`, 80 by default.
        port = getattr(settings, "DEMO_SITE_PORT", 80)
        existed = Site.objects.filter(hostname=spec.hostname, port=port).exists()
        provisioned = provision_site(
            hostname=spec.hostname,
            port=port,
            site_name=spec.name,
            site_code=spec.code,
            host_organisation=spec.host_organisation,
            host_organisation_en=spec.host_organisation_en,
            kind=spec.kind,
            locale=spec.locale,
            is_default=spec.is_default,
            theme_colour=spec.theme,
            contact_phone="0735-12345",
            contact_email=f"webmaster@{spec.hostname}",
            contact_address="湖南省郴州市" if spec.locale != "en" else "Chenzhou, Hunan Province, China",
            **plan.filing_fields(spec.key),
        )
        if spec.is_default and not provisioned.site.is_default_site:
            if not Site.objects.filter(is_default_site=True).exists():
                provisioned.site.is_default_site = True
                provisioned.site.save(update_fields=["is_default_site"])
        if not existed:
            self.report.add("站点")
        self.sites[spec.key] = provisioned

    def _preload(self):
        collections = [s.collection for s in self.sites.values()]
        for image in self.Image.objects.filter(collection__in=collections):
            self._images[(image.collection_id, image.title)] = image
        for document in self.Document.objects.filter(collection__in=collections):
            self._documents[(document.collection_id, document.title)] = document
        self._external_ids = set(
            ArticlePage.objects.filter(external_id__startswith=EXTERNAL_PREFIX).values_list(
                "external_id", flat=True
            )
        )

    # -- media ------------------------------------------------------------------------
    def image(self, site_key, title, *, size=(800, 450), caption="", chart=None):
        provisioned = self.sites[site_key]
        key = (provisioned.collection.pk, title)
        if key not in self._images:
            theme = provisioned.profile.theme_colour
            digest = hashlib.sha256(title.encode()).hexdigest()[:12]
            if chart:
                picture = draw_chart(*size, theme, chart[1], caption=chart[0])
            else:
                picture = draw_landscape(*size, theme, seed=digest, caption=caption)
            image = self.Image(
                title=title,
                file=to_image_file(picture, f"demo-{site_key}-{digest}.jpg"),
                collection=provisioned.collection,
            )
            image.save()
            self._images[key] = image
            self.report.add("图片")
        return self._images[key]

    def document(self, site_key, title, file_name, text):
        provisioned = self.sites[site_key]
        key = (provisioned.collection.pk, title)
        if key not in self._documents:
            # A BOM lets spreadsheet programs open the Chinese CSV as UTF-8.
            encoding = "utf-8-sig" if file_name.endswith(".csv") else "utf-8"
            document = self.Document(
                title=title,
                file=ContentFile(text.encode(encoding), name=file_name),
                collection=provisioned.collection,
            )
            document.save()
            self._documents[key] = document
            self.report.add("文件")
        return self._documents[key]

    # -- pages ------------------------------------------------------------------------
    def ensure_columns(self, site_key, parent, plans):
        existing = self.columns.setdefault(site_key, {})
        children = {c.slug: c for c in ColumnPage.objects.child_of(parent)}
        for column_plan in plans:
            column = children.get(column_plan.slug)
            if column is None:
                model = apps.get_model(column_plan.model) if column_plan.model else ColumnPage
                column = model(
                    title=column_plan.title,
                    slug=column_plan.slug,
                    column_type=column_plan.column_type,
                    update_frequency=column_plan.frequency,
                    channels=[str(c) for c in column_plan.channels],
                    description=column_plan.description
                    or f"{self.sites[site_key].site.site_name}{column_plan.title}",
                    keywords=column_plan.keywords or column_plan.title,
                    show_in_menus=column_plan.menu,
                )
                parent.add_child(instance=column)
                column.save_revision(clean=False).publish()
                self.report.add("栏目")
            existing[column_plan.slug] = column
            if column_plan.children:
                self.ensure_columns(site_key, column, column_plan.children)

    def published_at(self, article):
        if article.recent_days is not None:
            return self.now - timedelta(days=article.recent_days, hours=1 + article.minute % 8)
        naive = datetime(2014, 1, 1) + timedelta(days=article.day - 1, minutes=article.minute)
        return timezone.make_aware(naive)

    def summary(self, article):
        """The lead shown above the body: the plan's own lead, or for a document who issued
        it and under which number. Otherwise none, since the body's first sentence would
        only be shown twice."""
        if article.lead:
            return summary_of([article.lead], 500)
        if article.doc_number:
            issuer = self.organisations[article.organisation].name_zh_hans
            return f"{issuer}于{article.written_at.year}年{article.written_at.month}月{article.written_at.day}日印发（{article.doc_number}）。"
        return ""

    def body_blocks(self, site_key, article):
        blocks = []
        blocks.append({"type": "paragraph", "value": paragraphs_html(article.sentences)})
        if article.body_image:
            image = self.image(site_key, f"{article.title}（配图）", caption="Chenzhou")
            # A landscape drawn for atmosphere says nothing the text does not: decorative.
            blocks.insert(
                1, {"type": "image", "value": {"image": image.pk, "decorative": True, "alt_text": ""}}
            )
        if article.chart:
            rows = article.table or []
            image = self.image(site_key, f"{article.title}（图表）", chart=article.chart)
            alt = f"{article.title}柱状图：" + "，".join(f"{r[0]}{r[1]}" for r in rows[1:])
            blocks.append(
                {"type": "image", "value": {"image": image.pk, "decorative": False, "alt_text": alt}}
            )
        if article.table:
            blocks.append(
                {
                    "type": "table",
                    "value": {
                        "data": article.table,
                        "first_row_is_table_header": True,
                        "first_col_is_header": False,
                        "table_caption": article.title,
                    },
                }
            )
        return blocks

    def attachment_text(self, kind, title):
        seed = load_seed()
        if kind == "nine":
            return "序号,公开表名称\n" + "\n".join(
                f"{i},{name}" for i, name in enumerate(plan.NINE_TABLES, 1)
            )
        if kind == "portal":
            return (
                "项目,数量\n门户网站发布信息（条）,27423\n同比增长,10.5%\n英文门户网站发布信息（条）,354\n"
                + (
                    "英文门户网站发布字数,111204\n政务微博发布信息（条）,2039\n市长信箱收到信件（封）,967\n"
                    "市长信箱回复处理（封）,906\n"
                )
            )
        if kind == "proposals":
            return "类别,录入,已办理,正在办理,未立案\n人大建议,315,278,36,1\n政协提案,334,31,273,30\n"
        if kind == "form":
            return (
                f"{title}\n\n申请人信息：姓名（名称）、证件类型及号码、联系电话、通信地址、电子邮箱\n"
                "所需信息：所需信息内容描述、所需信息的用途、获取信息的方式（纸质、电子邮件、网上查阅）\n"
                "申请人签名（盖章）：            申请时间：\n"
            )
        return f"{title}\n\n" + "\n".join(seed.sentences_with(*title[:6].split()) or seed.sentences[:3])

    def ensure_article(self, site_key, column, article, *, locale_paragraphs=None):
        external_id = f"{EXTERNAL_PREFIX}{site_key}:{article.key}"
        if external_id in self._external_ids:
            return None
        page = ArticlePage(
            title=article.title,
            slug=article.key,
            summary=self.summary(article),
            body=self.body_blocks(site_key, article),
            source=article.source or self.sites[site_key].profile.host_organisation,
            author=article.author,
            published_at=self.published_at(article),
            doc_number=article.doc_number,
            written_at=article.written_at,
            category=self.categories.get(article.category),
            organisation=self.organisations.get(article.organisation),
            keywords=article.keywords,
            validity=article.validity,
            external_id=external_id,
            live=False,
        )
        if article.cover:
            page.cover_image = self.image(site_key, f"{article.title}（封面）", caption="Chenzhou")
        if article.syndicate_to:
            page.syndicate_to = [self.columns[target][slug] for target, slug in article.syndicate_to]
        if article.attachment:
            file_name, title, kind = article.attachment
            document = self.document(site_key, title, file_name, self.attachment_text(kind, article.title))
            page.attachments = [ArticleAttachment(document=document, title=title)]
        column.add_child(instance=page)
        page.save_revision(clean=False).publish()
        self._external_ids.add(external_id)
        self.report.add("信息")
        return page

    def ensure_topics(self):
        www = self.sites["www"]
        seed = load_seed()
        existing = set(TopicPage.objects.child_of(www.home).values_list("slug", flat=True))
        for slug, title, summary, terms, feed, caption, related_word in plan.TOPIC_PAGES:
            if slug in existing:
                continue
            banner = self.image("www", f"{title}专题横幅", size=(1200, 360), caption=caption)
            gallery = [self.image("www", f"{title}图集{n}", caption=f"{caption} {n}") for n in (1, 2, 3)]
            poster = self.image("www", f"{title}直播封面", caption=f"{caption} LIVE")
            related = (
                ArticlePage.objects.live()
                .descendant_of(www.home)
                .filter(title__contains=related_word)
                .order_by("-published_at")[:4]
            )
            links = [
                _list_item(f"{slug}-link-{a.pk}", {"title": a.title[:100], "page": a.pk, "url": ""})
                for a in related
            ]
            links.append(
                _list_item(
                    f"{slug}-link-home", {"title": "郴州市人民政府门户网站", "page": www.home.pk, "url": ""}
                )
            )
            sections = [
                {
                    "type": "banner",
                    "value": {
                        "image": {"image": banner.pk, "decorative": True, "alt_text": ""},
                        "title": title,
                        "subtitle": summary,
                    },
                },
                {"type": "rich_text", "value": paragraphs_html(seed.sentences_with(*terms)[:4])},
                {
                    "type": "column_feed",
                    "value": {"column": self.columns["www"][feed].pk, "title": "最新动态", "count": 6},
                },
                {
                    "type": "gallery",
                    "value": {
                        "title": "图集",
                        "images": [
                            _list_item(
                                f"{slug}-gallery-{n}",
                                {
                                    "image": image.pk,
                                    "decorative": False,
                                    "alt_text": f"{title}图集第{n}幅：郴州山水示意图",
                                },
                            )
                            for n, image in enumerate(gallery, 1)
                        ],
                    },
                },
                {
                    "type": "video_link",
                    "value": {
                        "title": f"{title}网上直播",
                        "url": "https://www.czs.gov.cn/",
                        "poster": {"image": poster.pk, "decorative": True, "alt_text": ""},
                    },
                },
                {"type": "related_links", "value": {"title": "相关信息", "links": links}},
            ]
            topic = TopicPage(title=title, slug=slug, summary=summary, sections=sections, live=False)
            www.home.add_child(instance=topic)
            topic.save_revision(clean=False).publish()
            self.report.add("专题")

    def ensure_english(self):
        en = self.sites["en"]
        columns = [
            plan.ColumnPlan(slug, title, getattr(plan.ColumnType, kind), frequency, plan.WEB_WAP, menu=True,
                            description=description, keywords=title)
            for slug, title, kind, frequency, description in english.EN_COLUMNS
        ]  # fmt: skip
        self.ensure_columns("en", en.home, columns)
        fresh = {"news", "investment"}  # columns with an update-frequency rule get a recent item
        for n, (column_slug, slug, title, summary, paragraphs) in enumerate(english.EN_ARTICLES):
            external_id = f"{EXTERNAL_PREFIX}en:{slug}"
            if external_id in self._external_ids:
                continue
            if column_slug in fresh:
                fresh.discard(column_slug)
                published = self.now - timedelta(days=n % 5, hours=2)
            else:
                published = timezone.make_aware(datetime(2014, 7, 1) + timedelta(days=n * 9, hours=10))
            counterpart_title = EN_COUNTERPARTS.get(slug)
            counterpart = (
                ArticlePage.objects.descendant_of(self.sites["www"].home)
                .filter(title=counterpart_title)
                .first()
                if counterpart_title
                else None
            )
            page = ArticlePage(
                title=title,
                slug=slug,
                summary=summary,
                body=[{"type": "paragraph", "value": "".join(f"<p>{escape(p)}</p>" for p in paragraphs)}],
                source="Chenzhou Municipal People's Government",
                published_at=published,
                external_id=external_id,
                counterpart=counterpart,
                cover_image=self.image("en", f"{title} (cover)", caption="Chenzhou") if n % 4 == 0 else None,
                live=False,
            )
            self.columns["en"][column_slug].add_child(instance=page)
            page.save_revision(clean=False).publish()
            self._external_ids.add(external_id)
            self.report.add("信息")
            if counterpart is not None and counterpart.counterpart_id is None:
                counterpart.counterpart = page
                counterpart.save_revision().publish()

    def ensure_homes(self):
        """Home page intros and the explicit link between the Chinese and English homes."""
        www, en = self.sites["www"].home, self.sites["en"].home
        wanted = {
            www.pk: {"counterpart_id": en.pk, "intro": f"<p>{escape(plan.WWW_WELCOME)}</p>"},
            en.pk: {
                "counterpart_id": www.pk,
                "intro": "<p>Welcome to the English portal of the Chenzhou Municipal People's Government.</p>",
            },
        }
        for key in ("bhq", "zxs", "dzzw"):
            home = self.sites[key].home
            wanted[home.pk] = {"intro": f"<p>{escape(plan.welcome(key))}</p>"}
        for pk, values in wanted.items():
            home = HomePage.objects.get(pk=pk)
            if all(getattr(home, name) == value for name, value in values.items()):
                continue
            for name, value in values.items():
                setattr(home, name, value)
            home.save_revision().publish()

    def ensure_accounts(self):
        User = get_user_model()
        accounts = [("admin", None, None)] + [
            (f"{key}_{role}", key, role) for key in DEMO_ROLE_SITES for role in ROLE_NAMES
        ]
        for username, site_key, role in accounts:
            user = User.objects.filter(username=username).first()
            if user is None:
                fields = {"email": f"{username}@czs.localhost"}
                if site_key:
                    fields["first_name"] = f"{self.sites[site_key].site.site_name}{ROLE_NAMES[role]}"
                    user = User.objects.create_user(username, password=DEMO_PASSWORD, **fields)
                else:
                    fields["first_name"] = "系统管理员"
                    user = User.objects.create_superuser(username, password=DEMO_PASSWORD, **fields)
                profile = UserProfile.get_for_user(user)
                profile.preferred_language = "zh-hans"
                profile.save()
            if site_key:
                user.groups.add(self.sites[site_key].groups[role])
            label = f"{self.sites[site_key].site.site_name} {ROLE_NAMES[role]}" if site_key else "超级管理员"
            self.report.accounts.append((username, label))
        self.ensure_interaction_roles()

    def ensure_interaction_roles(self):
        """Who answers the public in the demo: each site's final reviewers (终审) moderate
        interview questions and consultation comments, post live text and update 整改
        progress (the permissions are the models'; the admin scopes them to the site), and
        `gaj_handler` is a member of the 市公安局 handling unit, who sees only the letters
        passed to it."""
        codenames = [
            "change_question", "add_liveentry", "change_liveentry",
            "change_consultationcomment", "change_rectificationitem",
        ]  # fmt: skip
        permissions = Permission.objects.filter(content_type__app_label="interaction", codename__in=codenames)
        for key in DEMO_ROLE_SITES:
            self.sites[key].groups["approver"].permissions.add(*permissions)
        User = get_user_model()
        handler = User.objects.filter(username="gaj_handler").first()
        if handler is None:
            handler = User.objects.create_user(
                "gaj_handler",
                password=DEMO_PASSWORD,
                email="gaj_handler@czs.localhost",
                first_name="市公安局承办人",
            )
            profile = UserProfile.get_for_user(handler)
            profile.preferred_language = "zh-hans"
            profile.save()
            handler.user_permissions.add(
                Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
            )
        if "gaj" in self.organisations:
            HandlerMembership.objects.get_or_create(user=handler, organisation=self.organisations["gaj"])
        self.report.accounts.append(("gaj_handler", "市公安局 承办单位成员"))


def _list_item(name, value):
    """A ListBlock item in its stored form; without an id Wagtail reads the dict itself
    as the item's value."""
    return {"type": "item", "value": value, "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{name}"))}


def load_demo(now=None):
    """Build (or complete) the demo cluster; returns what this run created."""
    return DemoBuilder(now=now).build()
