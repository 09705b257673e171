# The two commands of the README: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test lint check install install-dev demo worker bench clean rehearse rehearse-fresh drills

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) wechat_demo_account
	$(MANAGE) weibo_demo_account

# The demo publishes to a WeChat API stand-in on this port (no real account needed).
WECHAT_STANDIN_PORT ?= 8765
serve demo worker: export WECHAT_API_BASE_URL ?= http://127.0.0.1:$(WECHAT_STANDIN_PORT)/
# ... and posts to a Weibo API stand-in on this one, whose pages the 查看 links open.
WEIBO_STANDIN_PORT ?= 8766
serve demo worker: export WEIBO_API_BASE_URL ?= http://127.0.0.1:$(WEIBO_STANDIN_PORT)/
serve demo worker: export WEIBO_WEB_BASE_URL ?= http://127.0.0.1:$(WEIBO_STANDIN_PORT)/

# Migrates, loads the demo cluster (once: load_demo skips what exists) and serves it on
# $(HOST):$(PORT) with the background worker and the WeChat and Weibo stand-ins beside the
# web process.
serve: demo
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) wechat_standin --port $(WECHAT_STANDIN_PORT) & \
	$(MANAGE) weibo_standin --port $(WEIBO_STANDIN_PORT) & \
	$(MANAGE) run_worker & \
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install
	$(MANAGE) run_worker

# pytest-xdist workers; a module's tests stay on one worker (--dist loadfile): its
# module-scoped fixtures are built once, and a transactional module loads back at its end
# the database it found, which the next module on that worker expects. tests/demo goes to
# one worker whole, so the demo cluster is loaded once (tests/conftest.py, ONE_UNIT_PACKAGES).
TEST_WORKERS ?= 2
test: install-dev
	mkdir -p var
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install-dev
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf var db.sqlite3 db.sqlite3-wal db.sqlite3-shm

# The whole production stack rehearsed on this machine (Debian 12, as root): PostgreSQL, Redis,
# nginx with a self-signed certificate, gunicorn, RQ workers, the demo cluster, and a smoke
# test over IPv4 and IPv6 (docs/deploy.md, "演练（deploy/rehearse.sh）").
rehearse:
	bash deploy/rehearse.sh

# The same rehearsal on a fresh Debian 12 made by debootstrap (a chroot with only the minimal
# base and python3), so nothing left on this machine can make it pass (docs/deploy.md).
rehearse-fresh:
	bash deploy/rehearse-fresh.sh

# Fault drills on a PostgreSQL and a Redis of their own (workers killed, Redis and
# PostgreSQL restarted mid-publish): prints lost and duplicated deliveries (docs/deploy.md, "故障演练").
drills: install-dev
	$(BIN)/python bench/drills.py
