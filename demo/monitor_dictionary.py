"""The demo's words of the monitor's dictionaries (M16, 监测词库): the leaders of the
demo city of 郴州 with their correct titles, a few typos of its place names, and one
sensitive word, so a scan of the demo cluster has something to check a page against
beyond the shipped seed lists.

The leaders are made up (the demo's content names none): their names are common ones and
stand for no real person. They are words of every site, as the city's leaders appear on
the county sites' pages too; the typos of a county's name belong to that county's site.
Run it again and nothing changes: each word is looked up by (kind, word, site) first.
"""

from wagtail.models import Site

from monitoring.models import DictionaryWord

from .plan import SITE_BY_KEY

LEADER = DictionaryWord.Kind.LEADER
TYPO = DictionaryWord.Kind.TYPO
SENSITIVE = DictionaryWord.Kind.SENSITIVE

# (kind, word, correction, site key or None for every site)
WORDS = [
    (LEADER, "刘振华", "市委书记", None),
    (LEADER, "王建国", "市委副书记、市长", None),
    (LEADER, "陈立新", "市委常委、常务副市长", None),
    (LEADER, "张晓梅", "副市长", None),
    (LEADER, "李志刚", "副市长", None),
    (TYPO, "郴洲", "郴州", None),
    (TYPO, "北胡区", "北湖区", "bhq"),
    # 资兴 has been a county-level city since 1984.
    (TYPO, "资兴县", "资兴市", "zxs"),
    # A classification mark has no place on a public page.
    (SENSITIVE, "绝密", "", None),
]


def _site(key):
    return Site.objects.filter(hostname=SITE_BY_KEY[key].hostname).order_by("port").first()


def load(stdout=None):
    """Add the demo's dictionary words that are missing; returns how many were added."""
    added = 0
    for kind, word, correction, site_key in WORDS:
        site = _site(site_key) if site_key else None
        if site_key and site is None:
            continue  # that demo site is not built (yet)
        _row, created = DictionaryWord.objects.get_or_create(
            kind=kind, word=word, site=site, defaults={"correction": correction}
        )
        added += created
    if stdout is not None:
        stdout.write(f"监测词库：新增 {added} 个词。" if added else "监测词库：演示词语已存在。")
    return added
