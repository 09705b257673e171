"""deploy/rehearse.sh (docs/deploy.md, "演练（deploy/rehearse.sh）"), checked without running
it: the whole rehearsal installs packages, starts nginx on ports 80/443 and takes minutes, so
it is run by hand (`make rehearse`), never by the test suite. Here: bash accepts its syntax,
shellcheck (when installed: `apt-get install -y shellcheck`) finds nothing, and it keeps
taking its commands from the deploy/ files it rehearses."""

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "rehearse.sh"
FRESH = ROOT / "deploy" / "rehearse-fresh.sh"


def test_bash_accepts_the_syntax():
    for script in (SCRIPT, FRESH):
        result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)  # noqa: S603, S607
        assert result.returncode == 0, result.stderr


def test_shellcheck_finds_nothing():
    shellcheck = shutil.which("shellcheck")
    # No skip: CI installs shellcheck (.ci/run); without it this fails and says how.
    assert shellcheck, "shellcheck is not installed (apt-get install -y shellcheck)"
    for script in (SCRIPT, FRESH):
        result = subprocess.run(  # noqa: S603
            [shellcheck, "--shell=bash", str(script)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_fresh_rehearsal_runs_the_rehearsal_on_a_clean_clone():
    """rehearse-fresh.sh makes a minimal Debian with debootstrap and runs rehearse.sh in it
    from a clone of the commit (not the working tree), without starting Debian's services."""
    text = FRESH.read_text(encoding="utf-8")
    assert re.search(r"(?m)^set -euo pipefail$", text)
    assert "debootstrap --variant=minbase" in text and "bookworm" in text
    assert 'git clone -q "$REPO"' in text
    assert "policy-rc.d" in text and "exit 101" in text
    assert "bash deploy/rehearse.sh" in text
    # It removes only a folder it made, and never the system's own folders.
    assert "MARKER" in text and "--one-file-system" in text


def test_strict_mode_and_cleanup():
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert re.search(r"(?m)^set -euo pipefail$", text)
    # The processes it starts are stopped on exit unless REHEARSE_KEEP=1.
    assert re.search(r"(?m)^trap on_exit EXIT$", text)
    assert "REHEARSE_KEEP" in text


def test_it_rehearses_the_deploy_files_themselves():
    """The units' commands, the nginx configuration, the env template and portal-manage are
    read from deploy/, not copied into the script, so the rehearsal follows them."""
    text = SCRIPT.read_text(encoding="utf-8")
    for unit in ("portal-gunicorn.service", "portal-worker@.service", "portal-clock.service"):
        assert f"deploy/systemd/{unit}" in text, unit
        assert (ROOT / "deploy" / "systemd" / unit).exists()
    assert "^ExecStart=" in text and "^Environment=" in text
    for path in (
        "deploy/nginx/portal.conf",
        "deploy/nginx/snippets/",
        "deploy/portal.env.example",
        "deploy/bin/portal-manage",
    ):
        assert path in text, path
    # Its own database and Redis database number only: never FLUSHALL.
    assert "FLUSHALL" not in text.upper()
    assert "FLUSHDB" in text


def test_make_rehearse_runs_it():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"(?m)^\.PHONY:.*\brehearse\b", makefile)
    assert re.search(r"(?m)^rehearse:\n\tbash deploy/rehearse\.sh$", makefile)
    assert re.search(r"(?m)^\.PHONY:.*\brehearse-fresh\b", makefile)
    assert re.search(r"(?m)^rehearse-fresh:\n\tbash deploy/rehearse-fresh\.sh$", makefile)
