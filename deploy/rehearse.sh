#!/usr/bin/env bash
# deploy/rehearse.sh: the whole production stack rehearsed on one Debian 12 machine, then
# smoke-tested through nginx over IPv4 and IPv6 (docs/deploy.md, "演练（deploy/rehearse.sh）").
#
#   sudo bash deploy/rehearse.sh          (or: make rehearse)
#
# From apt: PostgreSQL, Redis, nginx, openssl, curl, python3-venv (installed only if missing;
# PostgreSQL and Redis started if not answering). From pip: requirements.txt into a venv.
# Then, as docs/deploy.md installs production, but inside one work folder and without
# touching /etc/nginx, /etc/portal, /srv/portal or systemd:
#   - the checkout copied to $REHEARSE_APP_DIR (the /srv/portal of the rehearsal), its .venv;
#   - a fresh database ($REHEARSE_DB, dropped first, with its own role and password) and an
#     emptied Redis database number ($REHEARSE_REDIS_DB: FLUSHDB of that number only);
#   - portal.env written from deploy/portal.env.example with generated secrets;
#   - migrate, check --deploy, collectstatic through deploy/bin/portal-manage;
#   - the demo cluster (load_demo, see load_demo_cluster below for how and why);
#   - a self-signed certificate for the demo hostnames (the recipe of docs/deploy.md);
#   - deploy/nginx (portal.conf and snippets) installed into a prefix, run by this machine's
#     nginx with -p/-c; listeners exactly as in portal.conf (80/443, IPv4 and IPv6) unless
#     REHEARSE_HTTP_PORT / REHEARSE_HTTPS_PORT move them;
#   - gunicorn, $REHEARSE_WORKERS RQ workers and one clock, each started with the ExecStart,
#     Environment= and EnvironmentFile= of its systemd unit (read from deploy/systemd/), as
#     the unit's user (portal, created like docs/deploy.md step 2, unless REHEARSE_USER);
#   - the smoke test with curl through nginx, over 127.0.0.1 and ::1; then a publish
#     (manage.py import_items) that the RQ workers must deliver and nginx must serve.
# Prints one PASS/FAIL line per check and a summary; exits non-zero on any failure. The
# processes it started are stopped on exit unless REHEARSE_KEEP=1 (a later run stops them).
# Idempotent: every run starts from a fresh database, Redis database and copy of the code.
#
# Settings (environment variables, defaults in brackets):
#   REHEARSE_DIR        work folder [/tmp/portal-rehearsal]: logs/, run/, etc/, nginx/, app/
#   REHEARSE_APP_DIR    where the checkout is copied [$REHEARSE_DIR/app]
#   REHEARSE_VENV       the venv [$REHEARSE_DIR/venv]; an existing one (e.g. the checkout's
#                       .venv) is reused, requirements.txt installed into it if it changed
#   REHEARSE_PYTHON     the interpreter a new venv is made with [/usr/bin/python3]
#   REHEARSE_USER       the user the application runs as [portal]; root also works
#   REHEARSE_DB         PostgreSQL database and role, dropped and recreated [portal_rehearsal]
#   REHEARSE_REDIS_DB   Redis database number, flushed [10]
#   REHEARSE_HTTP_PORT / REHEARSE_HTTPS_PORT   nginx's ports [80 / 443]
#   REHEARSE_APP_PORT   gunicorn's port [8001 if free, else a free one]
#   REHEARSE_WORKERS    RQ workers [2]
#   REHEARSE_DELIVERY_TIMEOUT  seconds the publish may take to be delivered [600]
#   REHEARSE_KEEP=1     leave the stack running after the smoke test
#   REHEARSE_API_ANON_RATE  the app API's anonymous limit in portal.env, for a load test
#                       from this machine (bench/load.py) [unset: the example's]
set -euo pipefail
umask 022

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${REHEARSE_DIR:-/tmp/portal-rehearsal}
APP_DIR=${REHEARSE_APP_DIR:-$WORK/app}
VENV=${REHEARSE_VENV:-$WORK/venv}
PYTHON=${REHEARSE_PYTHON:-/usr/bin/python3}
APP_USER=${REHEARSE_USER:-portal}
DB_NAME=${REHEARSE_DB:-portal_rehearsal}
REDIS_DB=${REHEARSE_REDIS_DB:-10}
HTTP_PORT=${REHEARSE_HTTP_PORT:-80}
HTTPS_PORT=${REHEARSE_HTTPS_PORT:-443}
APP_PORT=${REHEARSE_APP_PORT:-}
WORKERS=${REHEARSE_WORKERS:-2}
DELIVERY_TIMEOUT=${REHEARSE_DELIVERY_TIMEOUT:-600}
KEEP=${REHEARSE_KEEP:-0}
PG_HOST=127.0.0.1
PG_PORT=5432
REDIS_HOST=127.0.0.1
REDIS_PORT=6379

LOGS=$WORK/logs
RUN=$WORK/run
ETC=$WORK/etc
NGINX_PREFIX=$WORK/nginx
TLS=$ETC/tls
ENV_FILE=$ETC/portal.env
DEMO_ENV_FILE=$ETC/portal-demo.env
DEMO_SETTINGS_DIR=$WORK/demo-settings
SMOKE=$WORK/smoke
MARKER=.portal-rehearsal # in APP_DIR: the script only ever deletes a folder it made
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HSTS="max-age=31536000; includeSubDomains; preload"

export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1

# --- output ----------------------------------------------------------------------------

STEP=""
step() {
  STEP=$1
  printf '\n== %s\n' "$1"
}
say() { printf '   %s\n' "$*"; }
die() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}

# A command whose output goes to logs/<name>.log, shown (its end) only if it fails.
logged() {
  local name=$1
  shift
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    printf '   command failed: %s (log: %s), last lines:\n' "$*" "$LOGS/$name.log" >&2
    tail -n 40 "$LOGS/$name.log" | sed 's/^/   | /' >&2
    return 1
  fi
}

# --- the processes this script starts ----------------------------------------------------

STARTED=()

# Is the pid in run/<name>.pid still one of ours? App processes run in APP_DIR; nginx's
# master names its prefix on its command line. Nothing else is ever signalled.
ours() {
  local pid=$1 name=$2
  [ -d "/proc/$pid" ] || return 1
  if [ "$name" = nginx ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$NGINX_PREFIX/"
  else
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$APP_DIR" ]
  fi
}

stop_one() {
  local name=$1 pidfile="$RUN/$1.pid" pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && ours "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do
      [ -d "/proc/$pid" ] || break
      sleep 0.5
    done
    if [ -d "/proc/$pid" ]; then
      say "$name (pid $pid) did not stop within 40 s: killed"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pidfile"
}

stop_all() {
  local pidfile
  [ -d "$RUN" ] || return 0
  # nginx first (no new requests), then the web process, workers and clock.
  [ -f "$RUN/nginx.pid" ] && stop_one nginx
  for pidfile in "$RUN"/*.pid; do
    [ -e "$pidfile" ] || continue
    stop_one "$(basename "$pidfile" .pid)"
  done
}

on_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ -n "$STEP" ] && [ "${SMOKE_DONE:-0}" != 1 ]; then
    printf '\nFAIL: rehearsal stopped in step "%s" (exit %s); logs in %s\n' "$STEP" "$status" "$LOGS" >&2
  fi
  if [ "${#STARTED[@]}" -gt 0 ]; then
    if [ "$KEEP" = 1 ]; then
      printf '\nREHEARSE_KEEP=1: left running (%s); stop them with another run or kill the pids in %s/*.pid\n' \
        "${STARTED[*]}" "$RUN"
    else
      printf '\n== stopping %s\n' "${STARTED[*]}"
      stop_all
    fi
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- checks of the settings --------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts nginx on ports $HTTP_PORT/$HTTPS_PORT)"
[[ $DB_NAME =~ ^[a-z_][a-z0-9_]*$ && $DB_NAME == *rehears* ]] ||
  die "REHEARSE_DB=$DB_NAME: lower-case letters, digits and _, containing 'rehears' (it is dropped)"
[[ $REDIS_DB =~ ^[0-9]+$ && $REDIS_DB -ne 0 ]] ||
  die "REHEARSE_REDIS_DB=$REDIS_DB: a number other than 0 (it is flushed; production uses 0)"
for port in "$HTTP_PORT" "$HTTPS_PORT" ${APP_PORT:+"$APP_PORT"} "$WORKERS" "$DELIVERY_TIMEOUT"; do
  [[ $port =~ ^[0-9]+$ ]] || die "not a number: $port"
done
case "$WORK" in /) die "REHEARSE_DIR may not be /" ;; esac
if [ -e "$APP_DIR" ] && [ ! -e "$APP_DIR/$MARKER" ]; then
  die "$APP_DIR exists and was not made by this script: choose another REHEARSE_APP_DIR"
fi

# --- 1. packages, PostgreSQL, Redis ----------------------------------------------------------

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then
    logged apt-update apt-get update -q
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  logged apt-install apt-get install -y -q --no-install-recommends "$@"
}

ensure_packages() {
  local missing=()
  command -v pg_isready >/dev/null && command -v psql >/dev/null || missing+=(postgresql postgresql-client)
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || missing+=(redis-server)
  if [ ! -x /usr/sbin/nginx ]; then
    missing+=(nginx)
    NGINX_INSTALLED_NOW=1
  fi
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl ca-certificates)
  command -v setpriv >/dev/null && command -v runuser >/dev/null || missing+=(util-linux)
  if [ ! -x "$VENV/bin/python" ]; then
    [ -x "$PYTHON" ] || missing+=(python3)
    # Debian's python3 makes venvs only with python3-venv (ensurepip).
    "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
    # Debian starts the nginx it has just installed, with its default site on port 80. On
    # the fresh machine the rehearsal is for, that one is stopped (production replaces its
    # default site, docs/deploy.md step 6); an nginx that was already there is left alone.
    if [ "${NGINX_INSTALLED_NOW:-0}" = 1 ] && [ -s /run/nginx.pid ] && [ -d "/proc/$(cat /run/nginx.pid)" ]; then
      say "stopping the nginx apt-get has just started (Debian's default site on port 80)"
      systemctl stop nginx 2>/dev/null || service nginx stop 2>/dev/null || /usr/sbin/nginx -s quit || true
    fi
  else
    say "already installed: postgresql, redis-server, nginx, openssl, curl, python3-venv"
  fi
}

ensure_postgres() {
  if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    say "PostgreSQL answers on $PG_HOST:$PG_PORT"
    return 0
  fi
  say "PostgreSQL is not answering on $PG_HOST:$PG_PORT: starting it"
  local version
  version=$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$version" ] && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || service postgresql start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && return 0
    sleep 1
  done
  die "PostgreSQL cannot be reached on $PG_HOST:$PG_PORT"
}

ensure_redis() {
  if [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
    say "Redis answers on $REDIS_HOST:$REDIS_PORT"
    return 0
  fi
  say "Redis is not answering on $REDIS_HOST:$REDIS_PORT: starting it"
  service redis-server start || true
  if [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" != PONG ]; then
    redis-server /etc/redis/redis.conf --daemonize yes || true
  fi
  for _ in $(seq 1 20); do
    [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.5
  done
  die "Redis cannot be reached on $REDIS_HOST:$REDIS_PORT"
}

# PostgreSQL as its superuser: peer authentication over the socket on a fresh Debian, else
# TCP as postgres (trust or PGPASSWORD in the environment).
PSQL_ADMIN=()
psql_admin() {
  if [ "${#PSQL_ADMIN[@]}" -eq 0 ]; then
    if runuser -u postgres -- psql -XAtq -p "$PG_PORT" -c 'select 1' >/dev/null 2>&1; then
      PSQL_ADMIN=(runuser -u postgres -- psql -XAtq -v ON_ERROR_STOP=1 -p "$PG_PORT")
    elif psql -XAtq -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -c 'select 1' >/dev/null 2>&1; then
      PSQL_ADMIN=(psql -XAtq -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres)
    else
      die "cannot connect to PostgreSQL as its superuser (runuser -u postgres -- psql, or psql -h $PG_HOST -U postgres)"
    fi
  fi
  "${PSQL_ADMIN[@]}" "$@"
}

# Before step 1: its commands log into $LOGS (a fresh machine has no earlier run's folders).
mkdir -p "$WORK" "$LOGS" "$RUN" "$ETC" "$SMOKE"
chmod 0755 "$WORK"

step "1. packages, PostgreSQL and Redis"
ensure_packages
ensure_postgres
ensure_redis

# A run left with REHEARSE_KEEP=1 (or killed): stop its processes first.
if compgen -G "$RUN/*.pid" >/dev/null; then
  say "stopping the processes of an earlier run"
  stop_all
fi

# --- 2. the user, the code and the venv -----------------------------------------------------

step "2. user $APP_USER, code in $APP_DIR, venv $VENV"
if ! id -u "$APP_USER" >/dev/null 2>&1; then
  # docs/deploy.md, "首次安装" step 2.
  useradd --system --user-group --home-dir /srv/portal --no-create-home --shell /usr/sbin/nologin "$APP_USER"
  say "created the system user $APP_USER"
fi
APP_GROUP=$(id -gn "$APP_USER")
APP_HOME=$(getent passwd "$APP_USER" | cut -d: -f6)

# The checkout as git would give it (the working tree, without its venv, runtime files and
# caches), owned by root and read-only for the application, as /srv/portal is.
rm -rf "$APP_DIR"
mkdir -p "$APP_DIR"
tar -C "$REPO" -cf - \
  --exclude=./.git --exclude=./.venv --exclude=./var --exclude='./db.sqlite3*' \
  --exclude='__pycache__' --exclude=.pytest_cache --exclude=.ruff_cache --exclude=node_modules . |
  tar -C "$APP_DIR" -xf - --no-same-owner
touch "$APP_DIR/$MARKER"
install -d -o "$APP_USER" -g "$APP_GROUP" "$APP_DIR/var" "$APP_DIR/var/media" "$APP_DIR/var/published"

if [ ! -x "$VENV/bin/python" ]; then
  say "python3 -m venv $VENV ($("$PYTHON" --version 2>&1))"
  logged venv "$PYTHON" -m venv "$VENV"
fi
REQ_SUM=$(sha256sum "$REPO/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$VENV/.rehearsal-requirements" 2>/dev/null)" != "$REQ_SUM" ]; then
  say "pip install -r requirements.txt (log: $LOGS/pip.log)"
  logged pip "$VENV/bin/pip" install -q -r "$REPO/requirements.txt"
  echo "$REQ_SUM" >"$VENV/.rehearsal-requirements"
else
  say "requirements.txt already installed in $VENV"
fi
ln -sfn "$VENV" "$APP_DIR/.venv"
setpriv --reuid="$APP_USER" --regid="$APP_GROUP" --init-groups "$APP_DIR/.venv/bin/python" -c 'import django, gunicorn' ||
  die "$APP_USER cannot run $VENV/bin/python (a venv under /root? choose REHEARSE_VENV or REHEARSE_USER=root)"

# --- 3. database and Redis ----------------------------------------------------------------

step "3. database $DB_NAME and Redis database $REDIS_DB"
DB_PASSWORD=$(openssl rand -hex 16) # letters and digits only (docs/deploy.md)
psql_admin -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_NAME'")" = 1 ]; then
  psql_admin -c "ALTER ROLE $DB_NAME WITH LOGIN PASSWORD '$DB_PASSWORD'" >/dev/null
else
  psql_admin -c "CREATE ROLE $DB_NAME WITH LOGIN PASSWORD '$DB_PASSWORD'" >/dev/null
fi
psql_admin -c "CREATE DATABASE $DB_NAME OWNER $DB_NAME ENCODING 'UTF8' TEMPLATE template0" >/dev/null
say "created database $DB_NAME owned by role $DB_NAME (new password)"
[ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" FLUSHDB)" = OK ] || die "FLUSHDB of Redis database $REDIS_DB failed"
say "flushed Redis database $REDIS_DB (only that one)"

# --- 4. portal.env ------------------------------------------------------------------------

# The demo cluster's hostnames (demo/plan.py), the default site first.
mapfile -t HOSTS < <(grep -oE '"[a-z0-9-]+\.czs\.localhost"' "$APP_DIR/demo/plan.py" | tr -d '"' | awk '!seen[$0]++')
[ "${#HOSTS[@]}" -ge 2 ] || die "no demo hostnames found in demo/plan.py"
MAIN_HOST=${HOSTS[0]}
HOSTS_CSV=$(
  IFS=,
  echo "${HOSTS[*]}"
)

# NAME=value in an env file: replaces the line NAME= (or the commented default #NAME=), else
# appends it.
set_env() {
  local file=$1 name=$2 value=$3
  awk -v n="$name" -v v="$value" '
    !done && ($0 ~ "^#?" n "=") { print n "=" v; done = 1; next }
    { print }
    END { if (!done) print n "=" v }' "$file" >"$file.new"
  mv "$file.new" "$file"
}

step "4. $ENV_FILE from deploy/portal.env.example"
HTTPS_ORIGIN="https://$MAIN_HOST"
[ "$HTTPS_PORT" = 443 ] || HTTPS_ORIGIN="https://$MAIN_HOST:$HTTPS_PORT"
cp "$APP_DIR/deploy/portal.env.example" "$ENV_FILE.new"
set_env "$ENV_FILE.new" DJANGO_SECRET_KEY "$("$VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
set_env "$ENV_FILE.new" DJANGO_ALLOWED_HOSTS "$HOSTS_CSV"
set_env "$ENV_FILE.new" WAGTAILADMIN_BASE_URL "$HTTPS_ORIGIN"
set_env "$ENV_FILE.new" DATABASE_URL "postgres://$DB_NAME:$DB_PASSWORD@$PG_HOST:$PG_PORT/$DB_NAME?connect_timeout=5"
set_env "$ENV_FILE.new" REDIS_URL "redis://$REDIS_HOST:$REDIS_PORT/$REDIS_DB?socket_timeout=3&socket_connect_timeout=3"
# gunicorn: processes about the number of cores (docs/deploy.md).
set_env "$ENV_FILE.new" GUNICORN_WORKERS "$(nproc)"
set_env "$ENV_FILE.new" GUNICORN_THREADS 4
# A load test from this one machine (bench/load.py) is one client to the API's limit.
[ -z "${REHEARSE_API_ANON_RATE:-}" ] || set_env "$ENV_FILE.new" API_ANON_RATE "$REHEARSE_API_ANON_RATE"
if grep -E '^[A-Z_]+=' "$ENV_FILE.new" | grep -q CHANGE-ME; then
  die "a CHANGE-ME value is left in $ENV_FILE"
fi
chown "root:$APP_GROUP" "$ENV_FILE.new"
chmod 0640 "$ENV_FILE.new"
mv "$ENV_FILE.new" "$ENV_FILE"
chmod 0750 "$ETC"
chown "root:$APP_GROUP" "$ETC"
say "secrets generated; DJANGO_ALLOWED_HOSTS=$HOSTS_CSV"
say "DATABASE_URL=postgres://$DB_NAME:***@$PG_HOST:$PG_PORT/$DB_NAME  REDIS_URL=redis://$REDIS_HOST:$REDIS_PORT/$REDIS_DB"

# deploy/bin/portal-manage as installed (/usr/local/bin/portal-manage), pointed at the
# rehearsal's env file and checkout; a clean environment, as in a unit.
manage() {
  env -i PATH="$BASE_PATH" LANG=C.UTF-8 \
    PORTAL_ENV_FILE="${MANAGE_ENV_FILE:-$ENV_FILE}" PORTAL_APP_DIR="$APP_DIR" PORTAL_USER="$APP_USER" \
    "$APP_DIR/deploy/bin/portal-manage" "$@"
}

# Python run by `manage.py shell` under the production settings; only the lines it prints
# starting with "@@ " are its answer (the production LOGGING writes INFO lines, and the
# shell its own notices; they go to logs/query.log).
query() {
  manage shell -v 0 -c "$1" 2>>"$LOGS/query.log" | sed -n 's/^@@ //p'
}

# --- 5. migrate, check --deploy, collectstatic, demo cluster -------------------------------

step "5. migrate, check --deploy, collectstatic (portal-manage)"
logged migrate manage migrate --noinput
say "migrate: $(grep -c '  Applying ' "$LOGS/migrate.log") migrations applied"
logged check-deploy manage check --deploy --fail-level WARNING
say "check --deploy: $(tail -n 1 "$LOGS/check-deploy.log")"
logged collectstatic manage collectstatic --noinput
say "collectstatic: $(tail -n 1 "$LOGS/collectstatic.log")"

# The demo cluster. The demo app (demo/, with load_demo) is installed by the dev and test
# settings only: production leaves it out and no production module imports it
# (tests/cms/test_item_protocol.py). So the cluster is loaded by a rehearsal-only settings
# module, written here outside the checkout: the production settings (same database, Redis,
# RQ: what load_demo publishes is queued for the rehearsal's workers) plus the demo app and
# DEMO_SITE_PORT, the port load_demo registers the sites with (demo/cluster.py: 80 unless
# the settings say otherwise; 8000 under the dev settings). Production serves HTTPS, so the
# sites are registered on $HTTPS_PORT, as docs/deploy.md has provision_site do with
# --port 443: their root_url is https://… and links between the sites are https://.
# Everything else (gunicorn, the workers, the clock, the smoke test's publish) runs with
# config.settings.production itself, without the demo app.
load_demo_cluster() {
  rm -rf "$DEMO_SETTINGS_DIR"
  mkdir -p "$DEMO_SETTINGS_DIR"
  cat >"$DEMO_SETTINGS_DIR/rehearsal_demo_settings.py" <<EOF
"""deploy/rehearse.sh only: the production settings plus the demo app, to run load_demo
once against the rehearsal database. Never used to serve."""

from config.settings.production import *  # noqa: F403
from config.settings.production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "demo.apps.DemoConfig"]
DEMO_SITE_PORT = $HTTPS_PORT
EOF
  chmod -R a+rX "$DEMO_SETTINGS_DIR"
  install -m 0640 -o root -g "$APP_GROUP" "$ENV_FILE" "$DEMO_ENV_FILE"
  set_env "$DEMO_ENV_FILE" DJANGO_SETTINGS_MODULE rehearsal_demo_settings
  set_env "$DEMO_ENV_FILE" PYTHONPATH "$DEMO_SETTINGS_DIR"
  chown "root:$APP_GROUP" "$DEMO_ENV_FILE"
  chmod 0640 "$DEMO_ENV_FILE"
  MANAGE_ENV_FILE=$DEMO_ENV_FILE logged load-demo manage load_demo
}

step "5b. demo cluster (load_demo, sites registered on port $HTTPS_PORT)"
load_demo_cluster
grep -E '^(演示网站群|  https?://|  图片)' "$LOGS/load-demo.log" | sed 's/^/   | /' || true
query "
from wagtail.models import Site
for s in Site.objects.order_by('-is_default_site', 'hostname'):
    print('@@', s.hostname, s.port)
" >"$SMOKE/sites.txt"
[ -s "$SMOKE/sites.txt" ] || die "no sites in the database after load_demo"
while read -r host port; do
  [ "$port" = "$HTTPS_PORT" ] || die "site $host is registered on port $port, not $HTTPS_PORT"
  [[ ",$HOSTS_CSV," == *",$host,"* ]] || die "site $host is not in DJANGO_ALLOWED_HOSTS ($HOSTS_CSV)"
done <"$SMOKE/sites.txt"
say "$(wc -l <"$SMOKE/sites.txt") sites, all on port $HTTPS_PORT"
say "jobs queued for the workers by load_demo: $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" llen rq:queue:default)"

# Static publishing (STATIC_PUBLISHING=1 in portal.env): every live page written as a file
# for nginx, as docs/deploy.md ("静态发布") has it done after switching it on.
step "5c. published pages as files (publish_static)"
logged publish-static manage publish_static
say "publish_static: $(tail -n 1 "$LOGS/publish-static.log")"

# --- 6. certificate and nginx ---------------------------------------------------------------

step "6. self-signed certificate and nginx (prefix $NGINX_PREFIX)"
# docs/deploy.md, "TLS 证书", 自签名证书（演练用）, for the demo hostnames.
SAN=$(printf 'DNS:%s,' "${HOSTS[@]}")
install -d -m 0750 "$TLS"
logged openssl openssl req -x509 -newkey rsa:2048 -sha256 -days 30 -nodes \
  -keyout "$TLS/privkey.pem" -out "$TLS/fullchain.pem" \
  -subj "/CN=$MAIN_HOST" -addext "subjectAltName=${SAN%,}"
chmod 0600 "$TLS/privkey.pem"
say "certificate for ${SAN%,}"

if [ -z "$APP_PORT" ]; then
  APP_PORT=8001
  if (exec 3<>"/dev/tcp/127.0.0.1/$APP_PORT") 2>/dev/null; then
    APP_PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    say "127.0.0.1:8001 is taken: gunicorn binds 127.0.0.1:$APP_PORT"
  fi
fi
for port in "$HTTP_PORT" "$HTTPS_PORT" "$APP_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    ss -ltnp 2>/dev/null | grep -E ":$port\b" | sed 's/^/   | /' >&2 || true
    die "port $port is in use on this machine: set REHEARSE_HTTP_PORT / REHEARSE_HTTPS_PORT / REHEARSE_APP_PORT"
  fi
done

# deploy/nginx installed as docs/deploy.md installs it under /etc/nginx, but into the prefix:
# the installation's absolute paths (logs, certificate, checkout, ACME folder) point into
# the work folder, server-names.conf lists the demo hostnames, and only the ports change
# if REHEARSE_HTTP_PORT / REHEARSE_HTTPS_PORT / the gunicorn port say so.
install_nginx() {
  local conf=$NGINX_PREFIX/conf file
  rm -rf "$NGINX_PREFIX"
  mkdir -p "$conf/snippets/portal" "$conf/sites-enabled" "$NGINX_PREFIX/logs" "$NGINX_PREFIX/temp" "$NGINX_PREFIX/acme"
  rewrite() {
    sed -e "s#/var/log/portal/#$NGINX_PREFIX/logs/#g" \
      -e "s#/etc/portal/tls/#$TLS/#g" \
      -e "s#/srv/portal/#$APP_DIR/#g" \
      -e "s#/var/www/portal-acme#$NGINX_PREFIX/acme#g" \
      -e "s#server 127.0.0.1:8001;#server 127.0.0.1:$APP_PORT;#" \
      -e "s#listen 80\([ ;]\)#listen $HTTP_PORT\1#" \
      -e "s#listen \[::\]:80\([ ;]\)#listen [::]:$HTTP_PORT\1#" \
      -e "s#listen 443\([ ;]\)#listen $HTTPS_PORT\1#" \
      -e "s#listen \[::\]:443\([ ;]\)#listen [::]:$HTTPS_PORT\1#" "$1"
  }
  for file in "$APP_DIR"/deploy/nginx/snippets/*.conf; do
    rewrite "$file" >"$conf/snippets/portal/$(basename "$file")"
  done
  {
    echo "# The demo cluster's hostnames (deploy/rehearse.sh)."
    echo "server_name"
    printf '    %s\n' "${HOSTS[@]}"
    echo "    ;"
  } >"$conf/snippets/portal/server-names.conf"
  rewrite "$APP_DIR/deploy/nginx/portal.conf" >"$conf/sites-enabled/portal.conf"
  # The main file: Debian's nginx.conf reduced to what the site file needs, with the pid,
  # logs and temporary files in the prefix. Workers as Debian's (www-data), which must be
  # able to read the static and media files.
  local user=www-data
  id -u www-data >/dev/null 2>&1 || user=root
  cat >"$conf/nginx.conf" <<EOF
user $user;
worker_processes auto;
pid $RUN/nginx.pid;
error_log $NGINX_PREFIX/logs/error.log warn;
events { worker_connections 768; }
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    server_tokens off;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    gzip on;
    client_body_temp_path $NGINX_PREFIX/temp/client_body;
    proxy_temp_path $NGINX_PREFIX/temp/proxy;
    fastcgi_temp_path $NGINX_PREFIX/temp/fastcgi;
    uwsgi_temp_path $NGINX_PREFIX/temp/uwsgi;
    scgi_temp_path $NGINX_PREFIX/temp/scgi;
    access_log $NGINX_PREFIX/logs/access.log;
    include sites-enabled/portal.conf;
}
EOF
}
install_nginx
NGINX=(/usr/sbin/nginx -p "$NGINX_PREFIX/" -c "$NGINX_PREFIX/conf/nginx.conf" -e "$NGINX_PREFIX/logs/error.log")
logged nginx-t "${NGINX[@]}" -t
say "nginx -t: $(grep -o 'test is successful' "$LOGS/nginx-t.log")"
"${NGINX[@]}"
STARTED+=(nginx)
for _ in $(seq 1 20); do
  [ -s "$RUN/nginx.pid" ] && break
  sleep 0.25
done
say "nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*\///') master pid $(cat "$RUN/nginx.pid"): listening on $HTTP_PORT and $HTTPS_PORT, IPv4 and IPv6"

# --- 7. gunicorn, workers, clock: the units' commands -----------------------------------------

# A unit's ExecStart (continuation lines joined), with ${VAR} expanded from its environment.
unit_command() {
  awk '/^ExecStart=/ { on = 1; sub(/^ExecStart=/, "") }
       on { line = $0; more = sub(/\\$/, "", line); printf "%s ", line; if (!more) exit }' "$1"
}

# Start a unit's command as systemd would: its user, WorkingDirectory, a clean environment
# of its Environment= lines then its EnvironmentFile (which overrides them), output to
# logs/<name>.log. Paths of the installation move to the rehearsal's.
start_unit() {
  local name=$1 unit=$2 line assignment cmd var
  local -a env_lines=(PATH="$BASE_PATH" LANG=C.UTF-8 HOME="$APP_HOME" USER="$APP_USER" LOGNAME="$APP_USER")
  local -A values=()
  local -a assignments
  while IFS= read -r line; do
    read -r -a assignments <<<"${line#Environment=}"
    env_lines+=("${assignments[@]}")
  done < <(grep '^Environment=' "$unit")
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; *=*) env_lines+=("$line") ;; esac
  done <"$ENV_FILE"
  for assignment in "${env_lines[@]}"; do
    values[${assignment%%=*}]=${assignment#*=}
  done
  cmd=$(unit_command "$unit")
  cmd=${cmd//\/srv\/portal/$APP_DIR}
  cmd=${cmd//\/run\/portal-gunicorn/$RUN/portal-gunicorn}
  cmd=${cmd//127.0.0.1:8001/127.0.0.1:$APP_PORT}
  while [[ $cmd =~ \$\{([A-Za-z_][A-Za-z0-9_]*)\} ]]; do
    var=${BASH_REMATCH[1]}
    [ -n "${values[$var]+set}" ] || die "$unit: \${$var} is not set"
    cmd=${cmd//\$\{$var\}/${values[$var]}}
  done
  local -a argv
  read -r -a argv <<<"$cmd"
  printf '%s\n' "${argv[*]}" >"$RUN/$name.cmd"
  (
    cd "$APP_DIR"
    exec setpriv --reuid="$APP_USER" --regid="$APP_GROUP" --init-groups env -i "${env_lines[@]}" "${argv[@]}"
  ) >"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  STARTED+=("$name")
}

step "7. gunicorn, $WORKERS RQ workers and the clock (the units' ExecStart)"
install -d -o "$APP_USER" -g "$APP_GROUP" "$RUN/portal-gunicorn" # RuntimeDirectory=
start_unit gunicorn "$APP_DIR/deploy/systemd/portal-gunicorn.service"
say "gunicorn: $(cat "$RUN/gunicorn.cmd")"
for i in $(seq 1 "$WORKERS"); do
  start_unit "worker-$i" "$APP_DIR/deploy/systemd/portal-worker@.service"
done
say "worker x $WORKERS: $(cat "$RUN/worker-1.cmd")"
start_unit clock "$APP_DIR/deploy/systemd/portal-clock.service"
say "clock: $(cat "$RUN/clock.cmd")"

# Whether gunicorn answers /healthz/ within a minute (gives up early if it died).
gunicorn_ready() {
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$APP_PORT/healthz/" 2>/dev/null; then
      return 0
    fi
    [ -d "/proc/$(cat "$RUN/gunicorn.pid" 2>/dev/null || echo 0)" ] || return 1
    sleep 0.5
  done
  return 1
}
if ! gunicorn_ready; then
  tail -n 40 "$LOGS/gunicorn.log" | sed 's/^/   | /' >&2
  die "gunicorn did not answer /healthz/ on 127.0.0.1:$APP_PORT"
fi
say "gunicorn answers on 127.0.0.1:$APP_PORT"
sleep 3
for name in "${STARTED[@]}"; do
  if ! [ -d "/proc/$(cat "$RUN/$name.pid")" ]; then
    tail -n 40 "$LOGS/$name.log" | sed 's/^/   | /' >&2
    die "$name exited at start"
  fi
done
say "workers and clock running (pids $(cat "$RUN"/worker-*.pid "$RUN/clock.pid" | paste -sd ' '))"

# --- 8. smoke test ---------------------------------------------------------------------------

step "8. smoke test through nginx (IPv4 127.0.0.1, IPv6 ::1)"
PASSED=0
FAILED=0
FAILURES=()
pass() {
  PASSED=$((PASSED + 1))
  printf 'PASS  %s\n' "$1"
}
fail() {
  FAILED=$((FAILED + 1))
  FAILURES+=("$1")
  printf 'FAIL  %s\n' "$1"
}

# fetch ADDRESS SCHEME HOST PATH: one request through nginx with curl, the name pinned to
# ADDRESS (--resolve), the certificate checked against the self-signed one (--cacert).
# Sets URL, CODE, PEER (the address curl connected to), the files $SMOKE/headers, $SMOKE/body.
fetch() {
  local address=$1 scheme=$2 host=$3 path=$4 port pinned out
  port=$HTTPS_PORT
  [ "$scheme" = https ] || port=$HTTP_PORT
  pinned=$address
  [[ $address == *:* ]] && pinned="[$address]"
  URL="$scheme://$host:$port$path"
  [ "$scheme:$port" != https:443 ] && [ "$scheme:$port" != http:80 ] || URL="$scheme://$host$path"
  out=$(curl -sS --max-time 60 --cacert "$TLS/fullchain.pem" --resolve "$host:$port:$pinned" \
    -D "$SMOKE/headers" -o "$SMOKE/body" -w '%{http_code} %{remote_ip}' "$URL" 2>"$SMOKE/curl-error") ||
    out="000 -"
  CODE=${out%% *}
  PEER=${out#* }
}

header_value() { # the values of a response header, one a line
  { grep -i "^$1:" "$SMOKE/headers" || true; } | cut -d: -f2- | sed 's/^ *//; s/\r$//'
}

# expect LABEL ADDRESS SCHEME HOST PATH STATUS [TEXT]: the status, the address really used,
# and TEXT in the body.
expect() {
  local label=$1 address=$2 scheme=$3 host=$4 path=$5 status=$6 text=${7:-}
  fetch "$address" "$scheme" "$host" "$path"
  local detail="$label: $URL via $PEER -> $CODE"
  if [ "$CODE" != "$status" ]; then
    fail "$detail (expected $status) $(head -c 200 "$SMOKE/curl-error")"
    return 1
  fi
  if [ "$PEER" != "$address" ]; then
    fail "$detail (connected to $PEER, not $address)"
    return 1
  fi
  if [ -n "$text" ] && ! grep -qF -- "$text" "$SMOKE/body"; then
    fail "$detail, but it lacks '$text'"
    return 1
  fi
  [ -z "$text" ] || detail="$detail, contains '$text'"
  pass "$detail"
}

# What to ask for, from the database: every site's name, a column and an article of the
# main site (the names HTML-escaped, as the templates print them).
query "
import html
from wagtail.models import Site
from cms.pages import ArticlePage, ColumnPage
for s in Site.objects.order_by('-is_default_site', 'hostname'):
    print('@@ site', s.hostname, html.escape(s.site_name), sep='\t')
site = Site.objects.get(hostname='$MAIN_HOST')
column = ColumnPage.objects.live().descendant_of(site.root_page).get(slug='gzdt')
article = ArticlePage.objects.live().child_of(column).order_by('-first_published_at').first()
print('@@ column', column.get_url_parts()[2], html.escape(column.title), sep='\t')
print('@@ article', article.get_url_parts()[2], html.escape(article.title), sep='\t')
" >"$SMOKE/targets.tsv"
mapfile -t SITE_LINES < <(grep '^site' "$SMOKE/targets.tsv" | cut -f2,3)
IFS=$'\t' read -r _ COLUMN_PATH COLUMN_TITLE < <(grep '^column' "$SMOKE/targets.tsv") || die "no column to ask for"
IFS=$'\t' read -r _ ARTICLE_PATH ARTICLE_TITLE < <(grep '^article' "$SMOKE/targets.tsv") || die "no article to ask for"

for address in 127.0.0.1 ::1; do
  family=IPv4
  [ "$address" = ::1 ] && family=IPv6
  for line in "${SITE_LINES[@]}"; do
    IFS=$'\t' read -r host name <<<"$line"
    expect "$family home" "$address" https "$host" / 200 "$name" || true
  done
  # HSTS, once, on the main site's home page.
  fetch "$address" https "$MAIN_HOST" /
  hsts=$(header_value strict-transport-security)
  if [ "$hsts" = "$HSTS" ]; then
    pass "$family HSTS: Strict-Transport-Security: $hsts (once)"
  else
    fail "$family HSTS: got '$(echo "$hsts" | tr '\n' '|')', expected '$HSTS' once"
  fi
  static=$(grep -oE '/static/[^"]+\.[0-9a-f]{12}\.css' "$SMOKE/body" | head -n 1 || true)
  expect "$family column" "$address" https "$MAIN_HOST" "$COLUMN_PATH" 200 "$COLUMN_TITLE" || true
  if expect "$family article" "$address" https "$MAIN_HOST" "$ARTICLE_PATH" 200 "$ARTICLE_TITLE"; then
    # nginx's own answers for files carry an ETag and "no-cache"; the application's say
    # "public, no-cache" and have no ETag.
    if [ -n "$(header_value etag)" ] && [ "$(header_value cache-control)" = no-cache ]; then
      pass "$family article served from its published file (ETag $(header_value etag))"
    else
      fail "$family article not served from a published file (Cache-Control: $(header_value cache-control))"
    fi
  fi
  expect "$family health" "$address" https "$MAIN_HOST" /healthz/ 200 '"status": "ok"' || true
  expect "$family admin login" "$address" https "$MAIN_HOST" /admin/login/ 200 'name="username"' || true
  if [ -n "$static" ]; then
    if expect "$family static file" "$address" https "$MAIN_HOST" "$static" 200; then
      cache=$(header_value cache-control)
      if [[ $cache == *immutable* ]]; then
        pass "$family static file cached: Cache-Control: $cache"
      else
        fail "$family static file: Cache-Control '$cache' is not immutable"
      fi
    fi
  else
    fail "$family static file: no hashed /static/….css link on the home page"
  fi
  # Plain HTTP: redirected to HTTPS, path and query kept.
  fetch "$address" http "$MAIN_HOST" "$COLUMN_PATH?page=2"
  location=$(header_value location)
  want="https://$MAIN_HOST$COLUMN_PATH?page=2"
  [ "$HTTPS_PORT" = 443 ] || want="https://$MAIN_HOST" # nginx redirects to the standard port
  if [ "$CODE" = 301 ] && [[ $location == "$want"* ]] && [ "$PEER" = "$address" ]; then
    pass "$family plain HTTP: $URL via $PEER -> $CODE Location: $location"
  else
    fail "$family $URL via $PEER -> $CODE Location: $location (expected 301 $want)"
  fi
  # An unknown name: no certificate, no answer.
  fetch "$address" https unknown.example.org /
  if [ "$CODE" = 000 ]; then
    pass "$family unknown hostname: TLS handshake refused"
  else
    fail "$family unknown hostname answered $CODE"
  fi
done

# --- 9. publish: import_items -> RQ workers -> served through nginx -------------------------------

step "9. publish an article (import_items), delivered by the RQ workers, served by nginx"
STAMP=$(date +%Y%m%d%H%M%S)
EXTERNAL_ID="rehearsal-$STAMP"
NEW_TITLE="演练发布测试 $STAMP"
PUBLISH_COLUMN=zwdt/bmdt # 部门动态 of the main site: web and WAP channels
printf '{"external_id": "%s", "site": "%s", "column": "%s", "title": "%s", "body_html": "<p>部署演练（deploy/rehearse.sh）通过导入命令发布的信息，由 RQ 后台任务投递。</p>", "published_at": "%s", "source": "郴州市人民政府办公室"}\n' \
  "$EXTERNAL_ID" "$MAIN_HOST" "$PUBLISH_COLUMN" "$NEW_TITLE" "$(date +%Y-%m-%dT%H:%M:%S%:z)" >"$SMOKE/publish.jsonl"
chmod 0644 "$SMOKE/publish.jsonl"
if logged import manage import_items "$SMOKE/publish.jsonl" --no-progress; then
  pass "import_items: $(tail -n 1 "$LOGS/import.log")"
else
  fail "import_items failed (log: $LOGS/import.log)"
fi

deliveries() {
  query "
from cms.pages import ArticlePage
from channels.models import Delivery
page = ArticlePage.objects.get(external_id='$EXTERNAL_ID')
rows = Delivery.objects.filter(page=page).order_by('channel')
print('@@', page.get_url_parts()[2], ' '.join(f'{d.channel}={d.status}' for d in rows))
"
}
NEW_PATH=""
STATES=""
started=$(date +%s)
last_note=$started
delivered=0
while :; do
  read -r NEW_PATH STATES < <(deliveries || echo "- -") || true
  if [ -n "$STATES" ] && [ "$STATES" != - ] && ! [[ $STATES =~ =(pending|running|waiting) ]]; then
    [[ $STATES =~ =(failed|superseded) ]] || delivered=1
    break
  fi
  [ $(($(date +%s) - started)) -lt "$DELIVERY_TIMEOUT" ] || break
  if [ $(($(date +%s) - last_note)) -ge 30 ]; then
    say "waiting for the workers: ${STATES:-no delivery rows yet}; jobs queued ahead: $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" llen rq:queue:default)"
    last_note=$(date +%s)
  fi
  sleep 3
done
waited=$(($(date +%s) - started))
if [ "$delivered" = 1 ]; then
  pass "RQ workers delivered the publish in ${waited}s: $STATES"
else
  fail "deliveries not all delivered after ${waited}s: ${STATES:-none} (queue: $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" llen rq:queue:default))"
fi
# For the record (not a check): every delivery of the rehearsal, the demo's included. The
# demo's WeChat deliveries fail by design here: no WeChat account is configured
# (docs/wechat.md), and the app channel has no push provider, so it has no rows.
query "
from django.db.models import Count
from channels.models import Delivery
rows = Delivery.objects.values_list('channel', 'status').annotate(n=Count('pk')).order_by('channel', 'status')
print('@@', ', '.join(f'{c} {s} {n}' for c, s, n in rows))
" | sed 's/^/INFO  all deliveries so far: /' || true
if [ -n "$NEW_PATH" ] && [ "$NEW_PATH" != - ]; then
  COLUMN_OF_NEW=${NEW_PATH%/*/}/
  for address in 127.0.0.1 ::1; do
    family=IPv4
    [ "$address" = ::1 ] && family=IPv6
    expect "$family new article" "$address" https "$MAIN_HOST" "$NEW_PATH" 200 "$NEW_TITLE" || true
    expect "$family new article listed" "$address" https "$MAIN_HOST" "$COLUMN_OF_NEW" 200 "$NEW_TITLE" || true
  done
else
  fail "the imported article was not found"
fi

# --- 10. gunicorn stopped: published pages are still served ---------------------------------

step "10. gunicorn stopped: nginx still serves the published pages"
kill "$(cat "$RUN/gunicorn.pid")"
for _ in $(seq 1 60); do
  [ -d "/proc/$(cat "$RUN/gunicorn.pid")" ] || break
  sleep 0.5
done
if [ -d "/proc/$(cat "$RUN/gunicorn.pid")" ]; then
  fail "gunicorn did not stop"
else
  say "gunicorn stopped"
  for address in 127.0.0.1 ::1; do
    family=IPv4
    [ "$address" = ::1 ] && family=IPv6
    for line in "${SITE_LINES[@]}"; do
      IFS=$'\t' read -r host name <<<"$line"
      expect "$family gunicorn down, home" "$address" https "$host" / 200 "$name" || true
    done
    expect "$family gunicorn down, column" "$address" https "$MAIN_HOST" "$COLUMN_PATH" 200 "$COLUMN_TITLE" || true
    expect "$family gunicorn down, article" "$address" https "$MAIN_HOST" "$ARTICLE_PATH" 200 "$ARTICLE_TITLE" || true
    if [ -n "$NEW_PATH" ] && [ "$NEW_PATH" != - ]; then
      expect "$family gunicorn down, new article" "$address" https "$MAIN_HOST" "$NEW_PATH" 200 "$NEW_TITLE" || true
    fi
  done
  # What needs the application says so (nginx's 502), and comes back with it.
  fetch 127.0.0.1 https "$MAIN_HOST" /search/?q=1
  if [ "$CODE" = 502 ]; then
    pass "gunicorn down, search: $URL -> 502 (needs the application)"
  else
    fail "gunicorn down, search: $URL -> $CODE (expected 502)"
  fi
fi
start_unit gunicorn "$APP_DIR/deploy/systemd/portal-gunicorn.service"
if gunicorn_ready; then
  expect "gunicorn back, search" 127.0.0.1 https "$MAIN_HOST" "/search/?q=%E6%94%BF%E5%8A%A1" 200 || true
else
  fail "gunicorn did not start again (log: $LOGS/gunicorn.log)"
fi

# The processes still running at the end (none crashed under the smoke test).
for name in "${STARTED[@]}"; do
  if [ -d "/proc/$(cat "$RUN/$name.pid" 2>/dev/null || echo none)" ]; then
    pass "$name still running (pid $(cat "$RUN/$name.pid"))"
  else
    fail "$name exited (log: $LOGS/$name.log)"
  fi
done

SMOKE_DONE=1
printf '\n'
if [ "$FAILED" -eq 0 ]; then
  printf 'REHEARSAL PASSED: %s checks passed (IPv4 and IPv6), 0 failed.\n' "$PASSED"
  printf 'Logs: %s; nginx logs: %s/logs\n' "$LOGS" "$NGINX_PREFIX"
else
  printf 'REHEARSAL FAILED: %s of %s checks failed:\n' "$FAILED" "$((PASSED + FAILED))"
  printf '  - %s\n' "${FAILURES[@]}"
  printf 'Logs: %s; nginx logs: %s/logs\n' "$LOGS" "$NGINX_PREFIX"
  exit 1
fi
