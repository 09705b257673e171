#!/usr/bin/env bash
# deploy/rehearse-fresh.sh: deploy/rehearse.sh on a fresh Debian 12 (a minimal system made
# by debootstrap, in a chroot), so that no package, user, folder or venv left on this
# machine by development or an earlier rehearsal can make it pass (docs/deploy.md,
# "在全新系统上演练").
#
#   sudo bash deploy/rehearse-fresh.sh          (or: make rehearse-fresh)
#
# The new system has only Debian's minimal base plus python3, python3-venv, git and
# ca-certificates; rehearse.sh installs everything else itself from apt and pip. The
# chroot shares this machine's network: nginx listens on its ports 80/443 (IPv4 and IPv6),
# and if PostgreSQL or Redis already answer on 127.0.0.1 the rehearsal uses them (with a
# database and a Redis database number of its own) instead of starting its own.
# What the chroot takes from this machine: the current commit (a clean clone, not the
# working tree), DNS and /etc/hosts, the certificate authorities this machine trusts
# and pip's configuration (a proxy or a local index, if this machine needs them).
#
# Settings (environment variables, defaults in brackets):
#   FRESH_ROOT     where the new system is made, removed first [/srv/portal-fresh]
#   FRESH_MIRROR   the Debian mirror [http://deb.debian.org/debian]
#   REHEARSE_*     passed on to rehearse.sh (see there)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=${FRESH_ROOT:-/srv/portal-fresh}
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
MARKER=.portal-fresh # only a folder this script made is ever removed

[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 1; }
case "$ROOT" in / | /srv | /tmp | "") echo "FRESH_ROOT may not be $ROOT" >&2; exit 1 ;; esac

# Everything mounted inside the new system, deepest first.
unmount_all() {
  local mount
  while read -r mount; do
    umount -l "$mount" || true
  done < <(awk -v root="$ROOT/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r)
}

if [ -e "$ROOT" ]; then
  [ -e "$ROOT/$MARKER" ] || { echo "$ROOT exists and was not made by this script" >&2; exit 1; }
  unmount_all
  rm -rf --one-file-system "$ROOT"
fi
command -v debootstrap >/dev/null || apt-get install -y -q --no-install-recommends debootstrap

echo "== a fresh Debian 12 in $ROOT (debootstrap, minimal base)"
debootstrap --variant=minbase --include=ca-certificates,python3,python3-venv,git \
  bookworm "$ROOT" "$MIRROR" >"$REPO/var/rehearse-fresh-debootstrap.log" 2>&1 ||
  { tail -n 20 "$REPO/var/rehearse-fresh-debootstrap.log" >&2; exit 1; }
touch "$ROOT/$MARKER"
trap unmount_all EXIT
for mount in proc sys dev dev/pts; do
  mount --bind "/$mount" "$ROOT/$mount"
done
# A chroot has no init: Debian's packages must not try to start their services
# (rehearse.sh starts what it needs itself).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
cp /etc/resolv.conf /etc/hosts "$ROOT/etc/"
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
if [ -d /usr/local/share/ca-certificates ]; then
  cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
fi
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$ROOT/etc/pip.conf"
if [ -d /etc/xdg/pip ]; then
  mkdir -p "$ROOT/etc/xdg/pip"
  cp -a /etc/xdg/pip/. "$ROOT/etc/xdg/pip/"
fi
# Local package indexes and wheel folders named in pip's configuration come along.
while read -r folder; do
  if [ -d "$folder" ]; then
    mkdir -p "$ROOT$folder"
    mount --bind "$folder" "$ROOT$folder"
  fi
done < <(grep -hE '^[[:space:]]*(find-links|index-url|extra-index-url)' /etc/pip.conf /etc/xdg/pip/*.conf 2>/dev/null |
  grep -oE '(file://)?/[^ ]+' | sed 's|^file://||; s|/simple/*$||' | sort -u)

echo "== the current commit, cloned into the new system"
git clone -q "$REPO" "$ROOT/root/portal"
git -C "$ROOT/root/portal" log --oneline -1

echo "== deploy/rehearse.sh inside it"
rehearse_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)
while IFS='=' read -r name value; do
  rehearse_env+=("$name=$value")
done < <(env | grep '^REHEARSE_' || true)
chroot "$ROOT" env -i "${rehearse_env[@]}" bash -c 'cd /root/portal && bash deploy/rehearse.sh'
