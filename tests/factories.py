"""Builders for test data: sites through the real provisioning code, pages through the
real tree and revision API."""

import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import ArticlePage, ColumnPage, Organisation
from sites.provisioning import provision_site

_seq = itertools.count(1)


def make_site(hostname="www.test.localhost", name="测试市人民政府", code=None, **kwargs):
    n = next(_seq)
    return provision_site(
        hostname=hostname,
        site_name=name,
        site_code=code or f"431000{n:04d}",
        host_organisation=kwargs.pop("host_organisation", f"{name}办公室"),
        **kwargs,
    )


CONAC_URL = "https://bszs.conac.cn/sitename?method=show&id=0123456789ABCDEF"


def make_portal(hostname, **fields):
    """The municipal Chinese portal with a complete profile (contacts, both 备案号 and the
    党政机关网站标识 link), as the P01/P04 page labels show it."""
    profile = {
        "host_organisation": "郴州市人民政府办公室",
        "contact_phone": "0735-2222222",
        "contact_email": "zwgk@czs.gov.cn",
        "contact_address": "郴州市北湖区青年大道",
        "icp_number": "湘ICP备05001234号-1",
        "police_number": "湘公网安备 43100202000123号",
        "conac_url": CONAC_URL,
    }
    return make_site(hostname, "郴州市人民政府", code="4310000001", **{**profile, **fields})


def make_english_portal(hostname):
    """The English portal: its own site and tree in locale en."""
    return make_site(
        hostname,
        "Chenzhou Municipal People's Government",
        code="4310000002",
        kind="english",
        locale="en",
        host_organisation="郴州市人民政府外事侨务办公室",
        host_organisation_en="Foreign Affairs Office of Chenzhou",
        slug="en",
    )


def make_user(username, *groups, superuser=False, **extra):
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(username, f"{username}@example.com", "pw", **extra)
    else:
        user = User.objects.create_user(username, f"{username}@example.com", "pw", **extra)
    for group in groups:
        user.groups.add(group)
    return user


def make_column(parent, title="工作动态", slug=None, **fields):
    column = ColumnPage(title=title, slug=slug or f"col-{next(_seq)}", **fields)
    parent.add_child(instance=column)
    column.save_revision().publish()
    return column


def make_organisation(name="郴州市人民政府办公室", code=None, **fields):
    n = next(_seq)
    return Organisation.objects.create(name=name, credit_code=code or f"11431000{n:09d}X", **fields)


def make_article(column, title=None, publish=True, user=None, **fields):
    n = next(_seq)
    fields.setdefault("published_at", timezone.now())
    # A draft is not live until its revision is published.
    fields.setdefault("live", publish)
    fields.setdefault("slug", f"article-{n}")
    article = ArticlePage(title=title or f"推进电子政务建设 第{n}期", **fields)
    column.add_child(instance=article)
    revision = article.save_revision(user=user)
    if publish:
        revision.publish(user=user)
        article.refresh_from_db()
    return article


TOPIC_VIDEO_URL = "https://video.czs.gov.cn/lianghui.mp4"


def make_topic(parent, *, column, policy, images, slug="lianghui", feed_count=5):
    """A published 专题 using every section type: banner (first image, alt 两会会场), a feed
    of `column`, rich text, a gallery of `images` (alt texts 图集0, 图集1, …), a video link
    (TOPIC_VIDEO_URL) and related links (to `policy` and an outside site)."""
    from cms.models import TopicPage

    topic = TopicPage(
        title="2014郴州两会",
        slug=slug,
        summary="聚焦2014年郴州市人大、政协会议。",
        sections=[
            {
                "type": "banner",
                "value": {
                    "image": {"image": images[0].pk, "alt_text": "两会会场", "decorative": False},
                    "title": "聚焦2014郴州两会",
                    "subtitle": "凝心聚力 共谋发展",
                },
            },
            {"type": "column_feed", "value": {"column": column.pk, "title": "两会动态", "count": feed_count}},
            {"type": "rich_text", "value": "<p>市十五届人大四次会议胜利闭幕。</p>"},
            {
                "type": "gallery",
                "value": {
                    "title": "会议图集",
                    "images": [
                        {"image": image.pk, "alt_text": f"图集{i}", "decorative": False}
                        for i, image in enumerate(images)
                    ],
                },
            },
            {"type": "video_link", "value": {"title": "开幕式视频", "url": TOPIC_VIDEO_URL, "poster": None}},
            {
                "type": "related_links",
                "value": {
                    "title": "相关链接",
                    "links": [
                        {"title": "政策文件", "page": policy.pk, "url": ""},
                        {"title": "湖南省人民政府", "page": None, "url": "https://www.hunan.gov.cn/"},
                    ],
                },
            },
        ],
    )
    parent.add_child(instance=topic)
    topic.save_revision().publish()
    return topic
