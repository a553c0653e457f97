/**
 * `--format sh`: a standalone POSIX shell script (curl, grep and sed only) that re-runs the clauses
 * of a scan a shell can decide, one function per clause, the expected outcome beside each request.
 * It judges as the live checks do (src/scan/checks/), so it passes and fails in step with `scan`.
 */
import { clause, type ClauseId } from "../clauses.js";
import type { Report, SmokeTest } from "./model.js";
import { shellQuote as q } from "./shell.js";

/** Helpers every script carries: sending, reading headers, following redirects, printing results. */
const HELPERS = String.raw`failures=0
CR=$(printf '\r')

# Sends a request and sets STATUS (empty when nothing came back), CURL_EXIT, HEADERS and BODY.
fetch() {
  RESPONSE=$(request "$@")
  CURL_EXIT=$?
  RESPONSE=$(printf '%s\n' "$RESPONSE" | sed "s/$CR\$//")
  STATUS=$(printf '%s\n' "$RESPONSE" | sed -n '1s/^HTTP\/[0-9.]* \([0-9][0-9][0-9]\).*/\1/p')
  HEADERS=$(printf '%s\n' "$RESPONSE" | sed -n '2,/^$/p')
  BODY=$(printf '%s\n' "$RESPONSE" | sed '1,/^$/d')
}

# The first value of a response header of the last fetch.
header() {
  printf '%s\n' "$HEADERS" | grep -i "^$1:" | sed -n '1s/^[^:]*: *//p'
}

# The names of the cookies the last response set, one a line.
cookie_names() {
  printf '%s\n' "$HEADERS" | grep -i '^set-cookie:' | sed 's/^[^:]*: *\([^=]*\)=.*/\1/'
}

page_title() {
  printf '%s\n' "$BODY" | sed -n 's/.*<[Tt][Ii][Tt][Ll][Ee][^>]*>\([^<]*\)<\/[Tt][Ii][Tt][Ll][Ee]>.*/\1/p' | sed -n '1s/^ *//;1s/ *$//;1p'
}

# A Location resolved against the URL it came from.
absolute() {
  case $2 in
    http://* | https://*) printf '%s\n' "$2" ;;
    //*) printf '%s\n' "${"${"}1%%//*}$2" ;;
    /*) printf '%s%s\n' "$(printf '%s\n' "$1" | sed 's|^\(https\{0,1\}://[^/?#]*\).*|\1|')" "$2" ;;
    *) printf '%s%s\n' "$(printf '%s\n' "$1" | sed 's|[^/]*$||')" "$2" ;;
  esac
}

# The host of a URL, lower case. A user-info part (http://site@elsewhere/) or a backslash, which browsers
# read as a slash, gives no host: such a Location is never followed, as the scan never follows it.
host_of() {
  authority=$(printf '%s\n' "$1" | sed -n 's|^https\{0,1\}://\([^/?#]*\).*|\1|p')
  case $authority in *@* | *\\*) return ;; esac
  printf '%s\n' "$authority" | sed 's|^\(\[[^]]*\]\).*|\1|; t; s|:[0-9]*$||' | sed 'y/ABCDEFGHIJKLMNOPQRSTUVWXYZ/abcdefghijklmnopqrstuvwxyz/'
}

path_of() {
  path=$(printf '%s\n' "$1" | sed 's|^https\{0,1\}://[^/?#]*||; s|#.*||')
  case $path in "" | \?*) path="/$path" ;; esac
  printf '%s\n' "$path"
}

# Follows redirects on the site's own host only, at most 10 hops, as the scan does.
# Sets OUTCOME (final, loop, too-many, off-host or error), HOPS, TRAIL and FIRST_STATUS/FIRST_LOCATION.
follow() {
  url=$1
  seen=' '
  HOPS=0
  TRAIL=''
  while [ "$HOPS" -lt 10 ]; do
    seen="$seen$url "
    fetch "$url"
    HOPS=$((HOPS + 1))
    if [ "$HOPS" -eq 1 ]; then
      FIRST_STATUS=$STATUS
      FIRST_LOCATION=$(header Location)
    fi
    if [ -z "$STATUS" ]; then OUTCOME=error; return; fi
    location=$(header Location)
    TRAIL="$TRAIL${"${"}TRAIL:+, then }$STATUS${"${"}location:+ -> $location}"
    case $STATUS in 3??) ;; *) OUTCOME=final; return ;; esac
    if [ -z "$location" ]; then OUTCOME=final; return; fi
    next=$(absolute "$url" "$location")
    case $next in http://* | https://*) ;; *) OUTCOME=off-host; return ;; esac
    next_host=$(host_of "$next")
    if [ -z "$next_host" ] || [ "$next_host" != "$SITE_HOST" ]; then OUTCOME=off-host; return; fi
    case $seen in *" $next "*) OUTCOME=loop; return ;; esac
    url=$next
  done
  OUTCOME=too-many
}

# Django's CSRF middleware let the POST through to the view.
accepted() {
  case $1 in 2?? | 3?? | 405) return 0 ;; *) return 1 ;; esac
}

result() {
  printf '%-5s %-16s %s\n' "$1" "$2" "$3"
  if [ "$1" = FAIL ]; then failures=$((failures + 1)); fi
}
`;

function httpsRedirect(t: SmokeTest): string {
  const start = new URL(t.httpChainStart);
  const expected = new URL(`${start.pathname}${start.search}`, t.httpsUrl);
  return String.raw`
  # expect: 301 or 308 to ${expected.href} (same host, path and query), then no loop
  follow ${q(t.httpChainStart)}
  if [ -z "$FIRST_STATUS" ]; then
    result SKIP https-redirect "plain HTTP did not answer: nothing to redirect"; return
  fi
  if [ "$OUTCOME" = loop ] || [ "$OUTCOME" = too-many ]; then
    result FAIL https-redirect "redirect loop: $TRAIL"; return
  fi
  case $FIRST_STATUS in 3??) ;; *) FIRST_LOCATION='' ;; esac
  if [ -z "$FIRST_LOCATION" ]; then
    result FAIL https-redirect "plain HTTP is served without a redirect ($FIRST_STATUS)"; return
  fi
  to=$(absolute ${q(t.httpChainStart)} "$FIRST_LOCATION")
  if [ "$OUTCOME" = off-host ] && [ "$HOPS" -eq 1 ]; then
    result FAIL https-redirect "plain HTTP redirects off the site's host, to $to"; return
  fi
  case $to in
    https://*) ;;
    *) result WARN https-redirect "the first redirect stays on plain HTTP ($TRAIL)"; return ;;
  esac
  if [ "$(path_of "$to")" != ${q(`${start.pathname}${start.search}`)} ]; then
    result FAIL https-redirect "the redirect drops the path or query: $to"; return
  fi
  if [ "$OUTCOME" = error ]; then
    result ERROR https-redirect "redirected to https, but the https request failed"; return
  fi
  case $FIRST_STATUS in
    301 | 308) result PASS https-redirect "$TRAIL" ;;
    *) result WARN https-redirect "redirected with a temporary $FIRST_STATUS; use 301 or 308 ($TRAIL)" ;;
  esac`;
}

const HSTS_VERDICT = String.raw`
# Judges one Strict-Transport-Security value: sets VERDICT (FAIL, WARN or PASS) and WHY.
hsts_verdict() {
  if [ -z "$1" ]; then VERDICT=FAIL; WHY="no Strict-Transport-Security on $2"; return; fi
  age=$(printf '%s\n' "$1" | sed -n 's/^\(.*;\)\{0,1\} *[Mm][Aa][Xx]-[Aa][Gg][Ee] *= *"\{0,1\}\([0-9][0-9]*\)"\{0,1\} *\(;.*\)\{0,1\}$/\2/p')
  if [ -z "$age" ]; then VERDICT=FAIL; WHY="invalid Strict-Transport-Security '$1' on $2"; return; fi
  if [ "$age" -eq 0 ]; then VERDICT=FAIL; WHY="max-age=0 on $2 tells browsers to forget HSTS"; return; fi
  if [ "$age" -lt 31536000 ]; then VERDICT=WARN; WHY="'$1' on $2: max-age is below a year"; return; fi
  if ! printf '%s\n' "$1" | grep -qi 'includesubdomains'; then
    VERDICT=WARN; WHY="'$1' on $2: no includeSubDomains"; return
  fi
  VERDICT=PASS; WHY="'$1' on $2"
}
`;

function hsts(t: SmokeTest): string {
  return String.raw`
  # expect: Strict-Transport-Security with max-age of at least 31536000 and includeSubDomains,
  # on the first HTTPS answer and on the last one after its redirects
  follow ${q(t.httpsUrl)}
  if [ -z "$FIRST_STATUS" ]; then result ERROR hsts "the HTTPS request failed"; return; fi
  last_value=$(header Strict-Transport-Security)
  last_status=$STATUS
  fetch ${q(t.httpsUrl)}
  if [ -z "$STATUS" ]; then result ERROR hsts "the HTTPS request failed"; return; fi
  hsts_verdict "$(header Strict-Transport-Security)" ${q(t.httpsUrl)}" ($STATUS)"
  if [ "$VERDICT" = PASS ] && [ "$HOPS" -gt 1 ] && [ -n "$last_status" ]; then
    hsts_verdict "$last_value" "the last redirect hop ($last_status)"
  fi
  result "$VERDICT" hsts "$WHY"`;
}

const HOST_PROBE = String.raw`
# One foreign-host answer against the site's own answer on that scheme (saved in BASE_*).
# Adds to SERVED, REJECTED or UNDECIDED.
judge_host_probe() {
  label=$1
  upgrade_allowed=$2
  if [ -z "$STATUS" ]; then
    if [ "$CURL_EXIT" -eq 28 ]; then UNDECIDED="$UNDECIDED; $label: no answer in time"
    else REJECTED="$REJECTED; $label: refused"; fi
    return
  fi
  location=$(header Location)
  reflected=''
  if printf '%s\n' "$location" | grep -qiF "$FOREIGN_HOST"; then reflected="Location: $location"
  elif printf '%s\n' "$HEADERS" | grep -i '^set-cookie:' | grep -qi "domain=[^;]*$FOREIGN_HOST"; then reflected='a Set-Cookie domain'
  elif [ "$STATUS" -lt 400 ] && printf '%s\n' "$BODY" | grep -qiF "$FOREIGN_HOST"; then reflected='the response body'
  fi
  case $upgrade_allowed:$reflected in yes:Location:\ https://*) reflected='' ;; esac
  if [ -n "$reflected" ]; then SERVED="$SERVED; $label: the injected host came back in $reflected"; return; fi
  if [ -z "$BASE_STATUS" ]; then UNDECIDED="$UNDECIDED; $label: no baseline to compare with"; return; fi
  if [ "$STATUS" = "$BASE_STATUS" ] && [ "$STATUS" -lt 400 ]; then
    if [ -n "$location$BASE_LOCATION" ]; then
      site_redirect=$(printf '%s\n' "$location" | grep -ci "^https://$SITE_HOST")
      if [ "$location" = "$BASE_LOCATION" ] && [ "$site_redirect" -eq 0 ]; then
        SERVED="$SERVED; $label: served by the app ($STATUS -> $location)"; return
      fi
    else
      title=$(page_title)
      names=$(cookie_names)
      shared=''
      for name in $names; do
        if printf '%s\n' "$BASE_COOKIES" | grep -qxF "$name"; then shared=$name; fi
      done
      if { [ -n "$title" ] && [ "$title" = "$BASE_TITLE" ]; } || [ -n "$shared" ] || [ "$BODY" = "$BASE_BODY" ]; then
        SERVED="$SERVED; $label: served by the app ($STATUS, same page as the real host)"; return
      fi
    fi
  fi
  REJECTED="$REJECTED; $label: answered $STATUS"
}

save_baseline() {
  BASE_STATUS=$STATUS
  BASE_LOCATION=$(header Location)
  BASE_TITLE=$(page_title)
  BASE_COOKIES=$(cookie_names)
  BASE_BODY=$BODY
}
`;

function hostHeader(t: SmokeTest): string {
  const path = new URL(t.httpsUrl).pathname + new URL(t.httpsUrl).search;
  return String.raw`
  SERVED=''
  REJECTED=''
  UNDECIDED=''
  fetch ${q(t.httpsUrl)}
  save_baseline
  # expect: refused, or an answer that is not the app's page and does not repeat the foreign host
  fetch -H "Host: $FOREIGN_HOST" ${q(t.httpsUrl)}
  judge_host_probe "https Host: $FOREIGN_HOST" no
  fetch --request-target "https://$FOREIGN_HOST"${q(path)} ${q(t.httpsUrl)}
  judge_host_probe "https absolute-form target on $FOREIGN_HOST" no
  fetch ${q(t.httpUrl)}
  save_baseline
  # expect: the same over plain HTTP; a redirect to https on the foreign name is the proxy's generic upgrade
  fetch -H "Host: $FOREIGN_HOST" ${q(t.httpUrl)}
  judge_host_probe "http Host: $FOREIGN_HOST" yes
  if [ -n "$SERVED" ]; then result FAIL host-header "${"${"}SERVED#; }"; return; fi
  if [ -z "$REJECTED" ]; then result ERROR host-header "could not judge any foreign-host answer${"${"}UNDECIDED}"; return; fi
  result PASS host-header "unknown hosts were not served by the app: ${"${"}REJECTED#; }$UNDECIDED"`;
}

function csrfOrigin(t: SmokeTest): string {
  const csrf = t.csrf!;
  const page = new URL(csrf.pagePath, t.httpsUrl).href;
  const post = new URL(csrf.postPath, t.httpsUrl).href;
  const probes = csrf.probes.map((p) => {
    const expectation = {
      accept: "accepted (2xx, 3xx or 405): real users' POSTs work",
      refuse: "refused (403)",
      sibling: "refused; accepted means every subdomain is trusted (a warning)",
    }[p.expect];
    return `  # expect: ${expectation}
  csrf_post ${p.expect} ${q(p.label)} ${q(`${p.header}: ${p.value}`)}`;
  });
  return String.raw`
  # The token pair is fetched now: a form's csrfmiddlewaretoken and the cookies of the same answer.
  fetch ${q(page)}
  COOKIES=$(printf '%s\n' "$HEADERS" | grep -i '^set-cookie:' | sed 's/^[^:]*: *\([^;]*\).*/\1/' | grep -v '=$' | grep -v '=""$' | sed -e ':a' -e '$!N' -e 's/\n/; /' -e 'ta')
  TOKEN=$(printf '%s\n' "$BODY" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | sed -n 1p)
  if [ -z "$TOKEN" ] || [ -z "$COOKIES" ]; then
    result ERROR csrf-origin ${q(page)}" gave no CSRF cookie and form token (${"${"}STATUS:-no answer})"; return
  fi
  OWN=''
  LEAKS=''
  ERRORS=''
  SIBLING=''
  REFUSED=''
${probes.join("\n")}
  if [ -z "$OWN" ]; then result ERROR csrf-origin "the own-origin POST failed"; return; fi
  if ! accepted "$OWN"; then
    result FAIL csrf-origin "CSRF fails for real users: a POST with a valid token from the site's own origin was refused ($OWN)"; return
  fi
  if [ -n "$LEAKS" ]; then result FAIL csrf-origin "POSTs with a valid token were accepted from ${"${"}LEAKS#; }"; return; fi
  if [ -n "$ERRORS" ]; then result ERROR csrf-origin "some CSRF probes failed: ${"${"}ERRORS#; }"; return; fi
  if [ -n "$SIBLING" ]; then result WARN csrf-origin "$SIBLING was accepted: CSRF_TRUSTED_ORIGINS trusts every subdomain"; return; fi
  result PASS csrf-origin "own origin accepted ($OWN); refused: ${"${"}REFUSED#; }"
}

# A token-carrying POST with one Origin or Referer: $1 what must happen, $2 its name, $3 the header.
csrf_post() {
  fetch -H "Cookie: $COOKIES" -H 'Content-Type: application/x-www-form-urlencoded' -H "$3" \
    --data-raw "csrfmiddlewaretoken=$TOKEN" ${q(post)}
  if [ -z "$STATUS" ]; then
    if [ "$1" = accept ]; then OWN=''; else ERRORS="$ERRORS; $2 ($3): no answer"; fi
    return
  fi
  case $1 in
    accept) OWN=$STATUS ;;
    refuse) if accepted "$STATUS"; then LEAKS="$LEAKS; $2 ($3): $STATUS"; else REFUSED="$REFUSED; $2: $STATUS"; fi ;;
    sibling) if accepted "$STATUS"; then SIBLING="$2 ($3)"; else REFUSED="$REFUSED; $2: $STATUS"; fi ;;
  esac`;
}

function healthExempt(t: SmokeTest): string {
  const probes = t.healthPaths.map((p) => {
    const url = new URL(p.path, t.httpUrl).href;
    return `  # expect: 2xx over plain HTTP, no redirect${p.named ? "" : " (found at a default path: a warning otherwise)"}
  fetch ${q(url)}
  health_answer ${q(p.path)} ${p.named ? "FAIL" : "WARN"}`;
  });
  return String.raw`
  BAD=''
  BAD_STATUS=WARN
  GOOD=''
  NO_ANSWER=''
${probes.join("\n")}
  if [ -n "$NO_ANSWER" ]; then result ERROR health-exempt "plain HTTP gave no answer for ${"${"}NO_ANSWER#, }"; return; fi
  if [ -n "$BAD" ]; then result "$BAD_STATUS" health-exempt "health checks over plain HTTP do not get a plain answer: ${"${"}BAD#; }"; return; fi
  result PASS health-exempt "${"${"}GOOD#; }"
}

# $1 the path, $2 what a redirect or error means for it (FAIL when named, WARN when found by default).
health_answer() {
  if [ -z "$STATUS" ]; then NO_ANSWER="$NO_ANSWER, $1"; return; fi
  case $STATUS in
    2??) GOOD="$GOOD; http $1: $STATUS" ;;
    *)
      BAD="$BAD; http $1: $STATUS$(header Location | sed 's/^/ -> /')"
      if [ "$2" = FAIL ]; then BAD_STATUS=FAIL; fi
      ;;
  esac`;
}

const BODIES: Partial<Record<ClauseId, (t: SmokeTest) => string>> = {
  "https-redirect": httpsRedirect,
  hsts,
  "host-header": hostHeader,
  "csrf-origin": csrfOrigin,
  "health-exempt": healthExempt,
};

const EXTRA_HELPERS: Partial<Record<ClauseId, string>> = { hsts: HSTS_VERDICT, "host-header": HOST_PROBE };

function functionName(id: ClauseId): string {
  return `check_${id.replace(/-/g, "_")}`;
}

export function formatSh(report: Report): string {
  const t = report.smokeTest;
  if (!t) throw new Error("a shell script is written for a scan of one target only");
  const clauses = t.clauses.filter((id) => BODIES[id] !== undefined);
  const settings = [
    `SITE_HOST=${q(t.siteHost)}`,
    `FOREIGN_HOST=${q(t.foreignHost)}`,
    `TIMEOUT=\${PROXYTRUST_TIMEOUT:-10}`,
  ];
  const reach = t.curlOptions.length ? ` ${t.curlOptions.map(q).join(" ")}` : "";
  const functions = clauses.map((id) => {
    const { title, contract } = clause(id);
    return `${EXTRA_HELPERS[id] ?? ""}
# ${id}: ${title}. ${contract}
${functionName(id)}() {${BODIES[id]!(t)}
}
`;
  });
  return `#!/bin/sh
# proxytrust smoke test for ${report.target}
# Written by \`proxytrust scan --format sh\` (proxytrust ${report.version}). It sends the requests of the
# scan's checks that a shell can decide (${clauses.join(", ")}) and judges the answers the same way.
# Needs only curl, grep and sed. One line per clause; exit 1 when one fails, else 0.
# WARN and ERROR (could not decide) are printed and leave the exit code alone, as in the scan.
set -u

${settings.join("\n")}
# One request as the scan sent it: how it reached the site (--connect-to, --cacert, -k), its headers.
request() {
  curl -sS -i --http1.1 --noproxy '*' --max-time "$TIMEOUT"${reach} \\
    -H 'User-Agent: proxytrust-smoke/${report.version}' -H 'Accept: text/html,*/*' "$@" 2>/dev/null
}

${HELPERS}${functions.join("")}
${clauses.map(functionName).join("\n")}

[ "$failures" -eq 0 ]
`;
}
