#!/usr/bin/env bash
# Installs the Debian packages the demo and the end-to-end tests need, when missing:
# nginx, caddy, haproxy, apache2, gunicorn, curl, openssl and Django 4.2 (bookworm-backports), and the
# other app servers the stacks run Django under: uvicorn, daphne, uWSGI (with its Python 3 plugin),
# waitress and Apache's mod_wsgi; with --with-browser also chromium, which only the HTML report's test needs.
# The backports source is derived from the machine's own Debian source entry (same mirror, other suite).
#
# When everything is present it does nothing at all (and needs no root). Otherwise its own
# apt-get runs under a policy-rc.d that forbids starting services, so the packages' own nginx,
# apache2, haproxy or caddy service never starts (tests start their own); it stops nothing, so
# the machine's running services are left alone.
set -euo pipefail

missing=()
# need PACKAGE CHECK...: PACKAGE is missing unless CHECK succeeds.
need() {
  local package=$1
  shift
  "$@" >/dev/null 2>&1 || missing+=("$package")
}
# Debian keeps daemons in /usr/sbin, which is not on every user's PATH.
has() { command -v "$1" || [ -x "/usr/sbin/$1" ]; }

need nginx has nginx
need caddy has caddy
need haproxy has haproxy
need apache2 has apache2
need curl has curl
need openssl has openssl
need gunicorn test -x /usr/bin/gunicorn
need python3-uvicorn /usr/bin/python3 -c 'import uvicorn'
need python3-daphne /usr/bin/python3 -c 'import daphne'
need uwsgi-core test -x /usr/bin/uwsgi
need uwsgi-plugin-python3 test -e /usr/lib/uwsgi/plugins/python3_plugin.so
need python3-waitress test -x /usr/bin/waitress-serve
need libapache2-mod-wsgi-py3 test -e /usr/lib/apache2/modules/mod_wsgi.so
if [ "${1:-}" = "--with-browser" ]; then
  need chromium test -x /usr/bin/chromium
fi

django_version() {
  /usr/bin/python3 -c 'import django; print(django.get_version())' 2>/dev/null || true
}
django_ok() { case "$(django_version)" in 4.2*) return 0 ;; *) return 1 ;; esac; }

if [ ${#missing[@]} -eq 0 ] && django_ok; then
  exit 0
fi

say_what_to_install() {
  echo "proxytrust: cannot install system packages here; install: ${missing[*]:-} python3-django (4.2, from bookworm-backports), then retry." >&2
  exit 1
}

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say_what_to_install
fi

# Debian's way to keep maintainer scripts from starting services (invoke-rc.d and
# deb-systemd-invoke ask it): exit 101 = "not allowed". Only for this script's own apt-get;
# whatever policy the machine had is put back on exit.
policy=/usr/sbin/policy-rc.d
saved_policy=""
restore_policy() {
  if [ -n "$saved_policy" ]; then mv -f "$saved_policy" "$policy"; else rm -f "$policy"; fi
}
if [ -e "$policy" ]; then
  saved_policy=$(mktemp "$policy.proxytrust.XXXXXX")
  cp -p "$policy" "$saved_policy"
fi
trap restore_policy EXIT
printf '#!/bin/sh\n# proxytrust install-system-deps.sh: no service starts during its apt-get\nexit 101\n' > "$policy"
chmod 755 "$policy"

# Derive a bookworm-backports entry from the existing Debian entry: same URI, suite changed.
backports_list=/etc/apt/sources.list.d/proxytrust-backports.list
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/ ; then
  uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # deb822: first stanza whose Suites include plain "bookworm".
    uri=$(awk '
      /^[[:space:]]*$/ { if (suite && u) { print u; exit } suite=0; u="" ; next }
      /^URIs:/ { u=$2 }
      /^Suites:/ { for (i=2;i<=NF;i++) if ($i=="bookworm") suite=1 }
      END { if (suite && u) print u }' /etc/apt/sources.list.d/debian.sources | head -n1)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" && $3=="bookworm" { print $2; exit }' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || say_what_to_install
  echo "deb $uri bookworm-backports main" > "$backports_list"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || say_what_to_install
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || say_what_to_install
fi
if ! django_ok; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports python3-django >/dev/null 2>&1 || say_what_to_install
fi
django_ok || say_what_to_install
