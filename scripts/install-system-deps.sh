#!/usr/bin/env bash
# Installs the Debian packages the demo and the end-to-end tests need, when missing:
# nginx, caddy, haproxy, apache2, gunicorn, curl, openssl and Django 4.2 (bookworm-backports);
# with --with-browser also chromium, which only the HTML report's test needs.
# The backports source is derived from the machine's own Debian source entry (same mirror, other suite).
set -euo pipefail

need_pkgs=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_pkgs+=(nginx)
command -v caddy >/dev/null 2>&1 || need_pkgs+=(caddy)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need_pkgs+=(haproxy)
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || need_pkgs+=(apache2)
[ -x /usr/bin/gunicorn ] || need_pkgs+=(gunicorn)
command -v curl >/dev/null 2>&1 || need_pkgs+=(curl)
command -v openssl >/dev/null 2>&1 || need_pkgs+=(openssl)
if [ "${1:-}" = "--with-browser" ]; then
  [ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
fi

django_version() {
  /usr/bin/python3 -c 'import django; print(django.get_version())' 2>/dev/null || true
}
django_ok() { case "$(django_version)" in 4.2*) return 0 ;; *) return 1 ;; esac; }

if [ ${#need_pkgs[@]} -eq 0 ] && django_ok; then
  exit 0
fi

say_what_to_install() {
  echo "proxytrust: cannot install system packages here; install: ${need_pkgs[*]:-} python3-django (4.2, from bookworm-backports), then retry." >&2
  exit 1
}

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say_what_to_install
fi

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
if [ ${#need_pkgs[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null 2>&1 || say_what_to_install
fi
if ! django_ok; then
  apt-get install -y -qq --no-install-recommends -t bookworm-backports python3-django >/dev/null 2>&1 || say_what_to_install
fi
# The packaged services must not hold the ports or run as daemons: tests start their own.
for svc in nginx apache2 haproxy caddy; do
  (command -v systemctl >/dev/null && systemctl stop "$svc" 2>/dev/null) || true
  pkill -x "$svc" 2>/dev/null || true
done
django_ok || say_what_to_install
