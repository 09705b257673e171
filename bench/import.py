"""Benchmark of the bulk import: `.venv/bin/python bench/import.py [--items N]`.

Builds a fresh SQLite database under var/bench/ (dev settings, the real migrations),
provisions a small cluster (portal, two county portals, one department site) with nested
columns, organisations and subject categories, generates a JSON Lines file of N items
(default 27,423: one half-year of the seed city) of real Chinese text drawn from the
demo's seed report (demo/seed/, or the file SEED_REPORT names), and imports it through
`manage.py import_items`, the command editors run.

Prints items per second, the total time and, for a smaller N, the extrapolated time for
27,423 items. With --profile it also prints where the time goes (cProfile), including the
share of Wagtail's search indexing and reference-index updates. It asserts nothing.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import _bootstrap

SEED = Path(
    os.environ.get("SEED_REPORT", _bootstrap.ROOT / "demo" / "seed" / "chenzhou-egov-2014-h1-report.txt")
)
HALF_YEAR_ITEMS = 27_423
WORK_DIR = _bootstrap.VAR / "bench"

# (hostname, name, site code, kind, columns as slug paths with titles)
SITES = [
    (
        "www.czs.localhost",
        "郴州市人民政府",
        "4310000001",
        "portal",
        {
            "gzdt": "工作动态",
            "tzgg": "通知公告",
            "xxgk": "政府信息公开",
            "xxgk/zcwj": "政策文件",
            "xxgk/rsxx": "人事信息",
        },
    ),
    ("www.bhq.localhost", "北湖区人民政府", "4311020001", "county", {"bhdt": "北湖动态", "tzgg": "通知公告"}),
    (
        "www.zxs.localhost",
        "资兴市人民政府",
        "4311810001",
        "county",
        {"zxdt": "资兴动态", "xxgk": "政府信息公开", "xxgk/zcwj": "政策文件"},
    ),
    ("dzzw.czs.localhost", "郴州市电子政务信息中心", "4310000101", "department", {"gzdt": "工作动态"}),
]
ORGANISATIONS = [
    ("郴州市人民政府办公室", "11431000006148213X"),
    ("郴州市电子政务信息中心", "12431000MB1A00001K"),
    ("北湖区人民政府办公室", "11431002006148316H"),
]
CATEGORIES = ["综合政务", "科技、教育", "城乡建设、环境保护", "商贸、海关、旅游"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=HALF_YEAR_ITEMS, help="number of items (default 27423)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of the import")
    parser.add_argument(
        "--chunk-size", type=int, default=None, help="lines per transaction (default: the command's)"
    )
    return parser.parse_args()


def setup_django(db_path):
    _bootstrap.fresh_database_env(os.environ, sqlite_path=db_path)
    _bootstrap.setup_django("config.settings.dev")
    from django.conf import settings

    # Production runs with DEBUG off; with it on, Django also records every SQL statement,
    # which is not what a migration on the live system pays for.
    settings.DEBUG = False


def build_cluster():
    from cms.models import ColumnPage, Organisation, SubjectCategory
    from sites.provisioning import provision_site

    for hostname, name, code, kind, columns in SITES:
        home = provision_site(
            hostname=hostname,
            site_name=name,
            site_code=code,
            kind=kind,
            host_organisation=f"{name}办公室",
            slug=hostname.replace(".", "-"),
        ).home
        pages = {"": home}
        for path, title in columns.items():
            parent_path, _, slug = path.rpartition("/")
            # Web and WAP, as most columns publish: each item also writes its outbox rows
            # and enqueues their delivery (no worker runs here, so nothing is delivered).
            column = ColumnPage(title=title, slug=slug, channels=["web", "wap"])
            pages[parent_path].add_child(instance=column)
            column.save_revision().publish()
            pages[path] = column
    for name, code in ORGANISATIONS:
        Organisation.objects.create(name=name, credit_code=code)
    for n, name in enumerate(CATEGORIES, start=1):
        SubjectCategory.objects.create(name=name, code=f"{n:02d}")


def seed_sentences():
    text = SEED.read_text(encoding="utf-8")
    # Sentences of the report's prose; headings and the date line are left out.
    return [
        sentence.strip()
        for line in text.splitlines()
        for sentence in re.split(r"(?<=[。！？；])", line)
        if len(sentence.strip()) >= 12
    ]


def generate(path, count):
    """A deterministic file of `count` items spread over the sites' leaf columns and the
    first half of 2014; about a third carry disclosure metadata (organisation → 索引号)."""
    rng = random.Random(20140703)
    sentences = seed_sentences()
    targets = [(host, col) for host, _, _, _, columns in SITES for col in columns if col != "xxgk"]
    start = datetime(2014, 1, 1, 8, 0)
    span = int(timedelta(days=181).total_seconds())
    with open(path, "w", encoding="utf-8") as f:
        for n in range(1, count + 1):
            host, column = targets[n % len(targets)]
            headline = re.sub(
                r"^[（(][一二三四五六七八九十]+[）)]|^[一二三四五六七八九十]是", "", rng.choice(sentences)
            )
            paragraphs = ["".join(rng.sample(sentences, rng.randint(2, 4))) for _ in range(rng.randint(3, 7))]
            item = {
                "external_id": f"czs-2014h1-{n:06d}",
                "site": host,
                "column": column,
                "title": headline[:60].rstrip("，、；。"),
                "body_html": "".join(f"<p>{p}</p>" for p in paragraphs),
                "published_at": (start + timedelta(seconds=rng.randrange(span))).isoformat(
                    timespec="seconds"
                ),
                "summary": paragraphs[0][:120],
                "source": "郴州市电子政务信息中心",
                "author": rng.choice(["李明", "王芳", "陈志强", "刘洋"]),
            }
            if n % 3 == 0:
                org_name, org_code = ORGANISATIONS[n % len(ORGANISATIONS)]
                item.update(
                    organisation=org_code,
                    doc_number=f"郴政办函〔2014〕{n % 400 + 1}号",
                    written_at=item["published_at"][:10],
                    category=CATEGORIES[n % len(CATEGORIES)],
                )
            if n % 10 == 0:
                item["attachments"] = [
                    {"title": f"附件{n}.doc", "url": f"http://www.czs.gov.cn/uploads/2014/{n:06d}.doc"}
                ]
            f.write(json.dumps(item, ensure_ascii=False) + "\n")


def print_profile(profiler):
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
    print(out.getvalue())
    watched = {
        "Wagtail search index (insert_or_update_object)": (
            "wagtail/search/index.py",
            "insert_or_update_object",
        ),
        "Wagtail reference index (create_or_update_for_object)": (
            "wagtail/models/reference_index.py",
            "create_or_update_for_object",
        ),
        "HTML sanitising (sanitize_html)": ("cms/sanitize.py", "sanitize_html"),
        "Line validation (ItemImporter.validate)": ("cms/importer.py", "validate"),
        "Page.save_revision": ("wagtail/models/pages.py", "save_revision"),
        "Revision.publish": ("wagtail/models/revisions.py", "publish"),
        "treebeard add_child": ("treebeard/mp_tree.py", "add_child"),
        "index_number allocation": ("cms/disclosure.py", "allocate_index_number"),
    }
    print("Share of the profiled time (cumulative, overlapping):")
    for label, (file_part, func) in watched.items():
        cum = sum(
            entry[3]
            for (filename, _, name), entry in stats.stats.items()
            if name == func and filename.endswith(file_part)
        )
        print(f"  {label:58s} {cum:8.2f} s  {100 * cum / total:5.1f} %")


def main():
    args = parse_args()
    setup_django(WORK_DIR / "import.sqlite3")  # creates var/bench/ too

    from django.core.management import CommandError, call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    build_cluster()
    data_file = WORK_DIR / f"import-{args.items}.jsonl"
    generate(data_file, args.items)
    prep = time.perf_counter() - t0
    size_mb = data_file.stat().st_size / 1024 / 1024
    print(
        f"Prepared database, cluster and {args.items} items ({size_mb:.1f} MB) in {prep:.1f} s: {data_file}"
    )

    options = {"stdout": sys.stdout}
    if args.chunk_size:
        options["chunk_size"] = args.chunk_size
    profiler = cProfile.Profile() if args.profile else None
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        if profiler:
            profiler.enable()
        call_command("import_items", str(data_file), **options)
    except CommandError as exc:
        print(f"import reported failures: {exc}")
    finally:
        if profiler:
            profiler.disable()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start

    from cms.models import ArticlePage

    live = ArticlePage.objects.live().count()
    indexed = ArticlePage.objects.exclude(index_number=None).count()
    rate = args.items / elapsed
    print(
        f"Imported {args.items} items in {elapsed:.1f} s: {rate:.1f} items/s ({live} live, {indexed} with 索引号)"
    )
    print(f"CPU time of the importing process: {cpu:.1f} s ({args.items / cpu:.1f} items per CPU-second)")
    if args.items != HALF_YEAR_ITEMS:
        print(
            f"Extrapolated for {HALF_YEAR_ITEMS} items: {HALF_YEAR_ITEMS / rate:.0f} s ({HALF_YEAR_ITEMS / rate / 60:.1f} min)"
        )
    print(f"Target: {HALF_YEAR_ITEMS} items in 600 s, i.e. >= {HALF_YEAR_ITEMS / 600:.1f} items/s")
    if profiler:
        print_profile(profiler)


if __name__ == "__main__":
    main()
