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
    article = ArticlePage(title=title or f"推进电子政务建设 第{n}期", slug=f"article-{n}", **fields)
    column.add_child(instance=article)
    revision = article.save_revision(user=user)
    if publish:
        revision.publish(user=user)
        article.refresh_from_db()
    return article
