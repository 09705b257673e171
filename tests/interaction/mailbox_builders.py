"""Mailbox builders the letter tests share: a mailbox under a column of a site, and letters
in it (created directly, with a known tracking code and password)."""

import datetime as dt
import itertools

from django.contrib.auth.hashers import make_password

from interaction.mailbox import Letter, MailboxPage
from tests.factories import make_column, make_organisation

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PASSWORD = "cz-2014-query"
_seq = itertools.count(1)


def make_mailbox(site, title="市长信箱", organisation=None, slug=None, **fields):
    """A live mailbox under a 互动交流 column of `site` (the column is made once per site)."""
    home = site.home if hasattr(site, "home") else site
    parent = home.get_children().filter(slug="hdjl").first()
    parent = (
        parent.specific
        if parent
        else make_column(home, title="互动交流", slug="hdjl", column_type="咨询投诉")
    )
    page = MailboxPage(
        title=title,
        slug=slug or f"mailbox-{next(_seq)}",
        organisation=organisation or make_organisation("郴州市人民政府办公室"),
        **fields,
    )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_letter(
    mailbox, title="关于小区停车难的建议", content="我们小区停车位不足，建议增设停车位。", **fields
):
    n = next(_seq)
    fields.setdefault("tracking_code", f"T{n:09d}")
    fields.setdefault("password_hash", make_password(PASSWORD))
    fields.setdefault("category", "suggest")
    return Letter.objects.create(mailbox=mailbox, title=title, content=content, **fields)
