"""The backup and restore rehearsal (docs/backup.md): deploy/bin/portal-backup and
deploy/bin/portal-restore run for real against the PostgreSQL server on 127.0.0.1 (also
when the suite itself runs on SQLite), and manage.py backup_manifest on the test database.

The round trip: a scratch database is migrated and given a site, pages, an image, a
document and a published file; portal-backup backs it up; portal-restore restores it into
another fresh database and folders and its comparison passes; then a page changed and a
media file deleted in the restored copy make the comparison fail, naming them."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page

from cms.models import Organisation
from tests.factories import make_article, make_column, make_organisation, make_site
from tests.interaction.broadcast_builders import make_broadcast

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "deploy" / "bin" / "portal-backup"
RESTORE = ROOT / "deploy" / "bin" / "portal-restore"
PYTHON = ROOT / ".venv" / "bin" / "python"
HOSTNAME = "www.backup.localhost"

# The scratch databases live on the suite's PostgreSQL server when it has one, else on the
# local one CI starts (.ci/run).
_suite_url = os.environ.get("DATABASE_URL", "")
SERVER = (
    _suite_url
    if _suite_url.startswith(("postgres://", "postgresql://"))
    else "postgres://postgres@127.0.0.1:5432/postgres"
)


def database_url(name):
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}", query=""))


def on_server(sql):
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(sql)


def in_database(name, sql, params=()):
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


# What the scratch site holds: written by `manage.py shell` in the scratch environment,
# through the same provisioning and page API as the editors' (tests/factories.py does it
# in-process), and a file where static publishing writes one (<hostname>/<path>/index.html).
SEED = f"""
import io
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cms.models import ArticlePage, ColumnPage
from sites.provisioning import provision_site

home = provision_site(hostname="{HOSTNAME}", site_name="备份演练市人民政府", site_code="4310009901",
                      host_organisation="备份演练市人民政府办公室").home
column = ColumnPage(title="工作动态", slug="gzdt")
home.add_child(instance=column)
column.save_revision().publish()
for n in range(1, 4):
    article = ArticlePage(title=f"备份演练信息 第{{n}}期", slug=f"beifen-{{n}}", published_at=timezone.now())
    column.add_child(instance=article)
    article.save_revision().publish()
png = io.BytesIO()
PILImage.new("RGB", (32, 24), "#b5121b").save(png, "PNG")
get_image_model().objects.create(title="机房", file=ImageFile(png, name="jifang.png"))
get_document_model().objects.create(title="工作方案", file=ContentFile("工作方案全文".encode(), name="fangan.txt"))
page = Path(settings.PUBLISHED_ROOT, "{HOSTNAME}", "gzdt", "beifen-1", "index.html")
page.parent.mkdir(parents=True)
page.write_text("<h1>备份演练信息 第1期</h1>", encoding="utf-8")
"""


def clean_environment(**extra):
    """This process's environment without the test settings' database and folders."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PG", "PORTAL_"))
        and key not in ("DATABASE_URL", "SQLITE_PATH", "MEDIA_ROOT", "PUBLISHED_ROOT", "STATIC_PUBLISHING")
    }
    return {**env, **extra}


def run(command, env, check=True):
    result = subprocess.run(  # noqa: S603
        [str(part) for part in command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    if check:
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A migrated scratch database with a little content, and one backup of it made by
    portal-backup (with PORTAL_BACKUP_KEEP=2 and two older backups already there)."""
    tmp = tmp_path_factory.mktemp("backup")
    source, target = f"portal_backup_src_{os.getpid()}", f"portal_backup_dst_{os.getpid()}"
    for name in (source, target):
        on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        on_server(f'CREATE DATABASE "{name}"')
    settings = {
        # The settings `make serve` runs on, pointed at the scratch database and folders.
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url(source),
        "MEDIA_ROOT": str(tmp / "media"),
        "PUBLISHED_ROOT": str(tmp / "published"),
    }
    env_file = tmp / "portal.env"
    env_file.write_text("# as /etc/portal/portal.env\n" + "".join(f"{k}={v}\n" for k, v in settings.items()))
    django_env = clean_environment(**settings)
    try:
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], django_env)
        run([PYTHON, "manage.py", "shell", "--no-imports", "-c", SEED], django_env)
        backups = tmp / "backups"
        for old in ("portal-20250101-020000", "portal-20250102-020000", "notes"):
            (backups / old).mkdir(parents=True)
        result = run(
            [BACKUP],
            clean_environment(
                PORTAL_ENV_FILE=str(env_file),
                PORTAL_APP_DIR=str(ROOT),
                PORTAL_BACKUP_DIR=str(backups),
                PORTAL_BACKUP_KEEP="2",
            ),
        )
        yield {
            "tmp": tmp,
            "env_file": env_file,
            "source": source,
            "target": target,
            "backups": backups,
            # The dated names sort in time order: the newest is the one just made.
            "backup": max(backups.glob("portal-2*")),
            "output": result.stdout,
            "django_env": django_env,
        }
    finally:
        for name in (source, target):
            on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore_env(backed_up):
    return clean_environment(PORTAL_ENV_FILE=str(backed_up["env_file"]), PORTAL_APP_DIR=str(ROOT))


def test_backup_writes_the_dump_the_archives_and_the_manifest(backed_up):
    backup = backed_up["backup"]
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS",
        "db.dump",
        "manifest.json",
        "media.tar",
        "published.tar",
    ]
    manifest = json.loads((backup / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["counts"]
    assert counts["cms.ArticlePage"] == 3
    assert counts["cms.ColumnPage"] == 1
    assert counts["wagtailimages.Image"] == 1
    assert counts["wagtaildocs.Document"] == 1
    assert counts["wagtailcore.Revision"] >= 4
    paths = {page["url_path"] for page in manifest["pages"].values()}
    assert {"/www/gzdt/", "/www/gzdt/beifen-1/", "/www/gzdt/beifen-3/"} <= paths
    png = Path(backed_up["tmp"], "media", "original_images", "jifang.png").read_bytes()
    assert manifest["files"]["media"]["original_images/jifang.png"] == hashlib.sha256(png).hexdigest()
    assert list(manifest["files"]["published"]) == [f"{HOSTNAME}/gzdt/beifen-1/index.html"]
    assert "清单已写入" in backed_up["output"]


def test_backup_keeps_only_the_newest_backups(backed_up):
    """PORTAL_BACKUP_KEEP=2: the new backup and the newest older one; other folders stay."""
    names = sorted(p.name for p in backed_up["backups"].iterdir())
    assert names == ["notes", "portal-20250102-020000", backed_up["backup"].name]
    assert "removed old backup portal-20250101-020000" in backed_up["output"]


def test_restore_round_trip_then_a_changed_page_and_a_lost_file_are_named(backed_up):
    restored = backed_up["tmp"] / "restored"
    result = run(
        [
            RESTORE,
            "--media",
            restored / "media",
            "--published",
            restored / "published",
            backed_up["backup"],
            database_url(backed_up["target"]),
        ],
        restore_env(backed_up),
    )
    assert "一致：" in result.stdout, result.stdout
    assert (restored / "published" / HOSTNAME / "gzdt" / "beifen-1" / "index.html").exists()
    summary = next(line for line in result.stdout.splitlines() if line.startswith("一致："))
    manifest = json.loads((backed_up["backup"] / "manifest.json").read_text(encoding="utf-8"))
    files = sum(len(found) for found in manifest["files"].values())
    assert (
        summary
        == f"一致：{len(manifest['counts'])} 个模型计数，{len(manifest['pages'])} 个页面校验和，{files} 个文件"
    )
    assert files == 3  # the image, the document and the published page

    compare = [
        PYTHON,
        "manage.py",
        "backup_manifest",
        "--compare",
        backed_up["backup"] / "manifest.json",
        "--media",
        restored / "media",
        "--published",
        restored / "published",
    ]
    env = {**backed_up["django_env"], "DATABASE_URL": database_url(backed_up["target"])}
    # In the restored copy: a page's title changed behind Wagtail's back, and an uploaded
    # file lost. One comparison (each costs a Django start) must name both, and nothing else.
    ((page_id,),) = in_database(
        backed_up["target"], "SELECT id FROM wagtailcore_page WHERE url_path = '/www/gzdt/beifen-2/'"
    )
    in_database(
        backed_up["target"], "UPDATE wagtailcore_page SET title = '改过的标题' WHERE id = %s", [page_id]
    )
    (restored / "media" / "original_images" / "jifang.png").unlink()
    result = run(compare, env, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"页面内容不同 #{page_id} /www/gzdt/beifen-2/（备份演练信息 第2期）",
        "文件缺失 media/original_images/jifang.png",
    ]
    assert "不一致：2 处不同" in result.stderr


def test_restore_refuses_a_database_that_is_not_empty(backed_up):
    before = in_database(backed_up["source"], "SELECT count(*) FROM wagtailcore_page")
    result = run(
        [
            RESTORE,
            "--media",
            backed_up["tmp"] / "refused" / "media",
            "--published",
            backed_up["tmp"] / "refused" / "published",
            backed_up["backup"],
            database_url(backed_up["source"]),
        ],
        restore_env(backed_up),
        check=False,
    )
    assert result.returncode == 3
    assert "is not empty" in result.stderr and "--force" in result.stderr
    assert in_database(backed_up["source"], "SELECT count(*) FROM wagtailcore_page") == before


def test_backup_without_a_published_folder_says_so(backed_up):
    env_file = backed_up["tmp"] / "no-published.env"
    env_file.write_text(
        backed_up["env_file"].read_text() + f"PUBLISHED_ROOT={backed_up['tmp'] / 'not-yet'}\n",
        encoding="utf-8",
    )
    backups = backed_up["tmp"] / "backups-2"
    result = run(
        [BACKUP],
        clean_environment(
            PORTAL_ENV_FILE=str(env_file), PORTAL_APP_DIR=str(ROOT), PORTAL_BACKUP_DIR=str(backups)
        ),
    )
    assert (
        f"published: {backed_up['tmp'] / 'not-yet'} does not exist: nothing backed up for it" in result.stdout
    )
    (backup,) = backups.iterdir()
    assert not (backup / "published.tar").exists()
    assert json.loads((backup / "manifest.json").read_text(encoding="utf-8"))["files"]["published"] is None


@pytest.mark.parametrize("script", [BACKUP, RESTORE], ids=lambda p: p.name)
def test_scripts_are_strict_bash_and_shellcheck_finds_nothing(script):
    text = script.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert os.access(script, os.X_OK)
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)  # noqa: S603, S607
    assert result.returncode == 0, result.stderr
    shellcheck = shutil.which("shellcheck")
    # No skip: CI installs shellcheck (.ci/run); without it this fails and says how.
    assert shellcheck, "shellcheck is not installed (apt-get install -y shellcheck)"
    result = subprocess.run([shellcheck, "--shell=bash", str(script)], capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 0, result.stdout + result.stderr


# -- backup_manifest on the test database -------------------------------------------------


@pytest.fixture
def content(tmp_path):
    site = make_site("www.manifest.localhost")
    column = make_column(site.home, slug="gzdt")
    article = make_article(column, title="清单测试信息", slug="qingdan")
    media = tmp_path / "media"
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "fangan.txt").write_text("工作方案", encoding="utf-8")
    return {"article": article, "media": media, "manifest": tmp_path / "manifest.json", "tmp": tmp_path}


def manifest_command(mode, content, media=None, **options):
    out = io.StringIO()
    call_command(
        "backup_manifest",
        mode,
        str(content["manifest"]),
        media=str(media or content["media"]),
        published=str(content["tmp"] / "published"),
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_manifest_counts_rows_and_checksums_pages_and_files(content):
    output = manifest_command("--write", content)
    manifest = json.loads(content["manifest"].read_text(encoding="utf-8"))
    assert manifest["counts"]["wagtailcore.Page"] == Page.objects.count()
    assert manifest["counts"]["cms.Organisation"] == Organisation.objects.count()
    assert "auth.User_groups" in manifest["counts"]
    article = content["article"]
    assert manifest["pages"][str(article.pk)]["url_path"] == article.url_path
    assert manifest["files"]["media"] == {
        "documents/fangan.txt": hashlib.sha256("工作方案".encode()).hexdigest()
    }
    assert manifest["files"]["published"] is None
    assert "清单已写入" in output and "不存在" in output

    output = manifest_command("--compare", content)
    assert output.splitlines()[-1].startswith("一致：")
    assert output.splitlines()[-1].endswith("个页面校验和，1 个文件")


def test_page_checksums_do_not_depend_on_the_time(content):
    """A broadcast's rectification items have an auto_now column (updated_at): reading the
    page for its checksum must not stamp it with the current time, or no two runs agree."""
    organisation = make_organisation("郴州市住房和城乡建设局")
    column = make_column(
        content["article"].get_parent().get_parent(), title="电视问政", column_type="在线访谈"
    )
    broadcast = make_broadcast(
        column, [(organisation, "局长")], problems=[("雨污管网混接", organisation, None)]
    )
    manifest_command("--write", content)
    saved = json.loads(content["manifest"].read_text(encoding="utf-8"))
    assert str(broadcast.pk) in saved["pages"]
    assert manifest_command("--compare", content).splitlines()[-1].startswith("一致：")


def test_manifest_of_an_archive_matches_the_unpacked_folder(content):
    """portal-backup hashes its tar archives; the restore compares the unpacked folders."""
    archive = content["tmp"] / "media.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(content["media"], arcname=".")
    manifest_command("--write", content, media=archive)
    assert "一致：" in manifest_command("--compare", content)


def test_compare_names_a_changed_page_a_count_and_a_file(content):
    manifest_command("--write", content)
    article = content["article"]
    Page.objects.filter(pk=article.pk).update(title="改过的标题")
    organisations = Organisation.objects.count()
    Organisation.objects.create(name="新增单位", credit_code="11431000999999999X")
    (content["media"] / "documents" / "fangan.txt").write_text("改过的方案", encoding="utf-8")

    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command(
            "backup_manifest",
            "--compare",
            str(content["manifest"]),
            media=str(content["media"]),
            published=str(content["tmp"] / "published"),
            stdout=out,
        )
    assert error.value.returncode == 1
    assert "处不同" in str(error.value)
    lines = out.getvalue().splitlines()
    assert f"页面内容不同 #{article.pk} {article.url_path}（清单测试信息）" in lines
    assert f"计数不同 cms.Organisation: 备份 {organisations}，恢复后 {organisations + 1}" in lines
    assert "文件内容不同 media/documents/fangan.txt" in lines
