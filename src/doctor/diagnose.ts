/**
 * `proxytrust doctor`: joins a live scan and (optionally) a static audit into diagnoses, each the chain
 * symptom -> cause -> fix in the words a developer meets it in. Pure: reads two reports, returns checks.
 */
import { clause, type ClauseId } from "../clauses.js";
import { deploymentOf, renderFix } from "../fix-text.js";
import type { CheckResult, Exchange, Report, SourceLocation } from "../report/model.js";
import {
  allExchanges,
  believedHosts,
  checkOf,
  credentialCookies,
  failing,
  foreignRedirectHosts,
  isHttpsSelfRedirect,
  serverNames,
} from "./evidence.js";

export interface DoctorInput {
  scan: Report;
  audit?: Report;
  /** Whether a proxy config was among the audited files (without one, static silence proves nothing). */
  auditedProxy: boolean;
}

export interface Cause {
  text: string;
  /** "live": seen in the scan; "files": read in the files given. */
  from: "live" | "files";
  location?: SourceLocation;
}

export interface Diagnosis {
  id: string;
  clause: ClauseId;
  status: "fail" | "warn";
  title: string;
  symptom: string;
  causes: Cause[];
  fix: string;
  evidence: Exchange[];
}

/** Clauses the audit can speak about from a proxy config: where live and files can disagree. */
const STATICALLY_JUDGED: readonly ClauseId[] = [
  "scheme",
  "spoofed-proto",
  "https-redirect",
  "hsts",
  "host-header",
  "forwarded-host",
  "csrf-origin",
];

function auditCauses(audit: Report | undefined, clauses: readonly ClauseId[]): Cause[] {
  return (audit?.checks ?? [])
    .filter((c) => clauses.includes(c.clause) && (c.status === "fail" || c.status === "warn"))
    .map((c) => ({
      text: c.summary,
      from: "files" as const,
      ...(c.location ? { location: c.location } : {}),
    }));
}

/** The fix written for the scanned deployment: its proxy, app server and host, as far as the scan told. */
function fixFor(id: ClauseId, input: DoctorInput): string {
  return renderFix(id, deploymentOf(input.scan));
}

function siteHost(scan: Report): string {
  return new URL(scan.target).hostname;
}

function redirectLoop(input: DoctorInput): Diagnosis | undefined {
  const loops = allExchanges(input.scan).filter(isHttpsSelfRedirect);
  if (loops.length === 0) return undefined;
  const causes: Cause[] = [];
  const viaCloudflare = serverNames(input.scan).some((s) => /cloudflare/i.test(s));
  if (viaCloudflare)
    causes.push({
      from: "live",
      text: "the answers come through Cloudflare: in Flexible TLS mode Cloudflare reaches your origin over plain HTTP, so the origin sees every request as http and redirects it to HTTPS again",
    });
  causes.push(...auditCauses(input.audit, ["scheme", "https-redirect"]));
  if (causes.length === 0)
    causes.push({
      from: "live",
      text: "Django believes HTTPS requests are plain HTTP (it redirected an HTTPS request to itself), so SECURE_SSL_REDIRECT sends it back to HTTPS forever: the scheme header named in SECURE_PROXY_SSL_HEADER is not trusted, not sent by the proxy, or sent under another name or value. Give doctor --settings and the proxy's config to say which",
    });
  const fix = [
    fixFor("scheme", input),
    ...(viaCloudflare ? [`cloudflare: ${clause("scheme").fix.cloudflare}`] : []),
  ];
  return {
    id: "redirect-loop",
    clause: "https-redirect",
    status: "fail",
    title: "Redirect loop (ERR_TOO_MANY_REDIRECTS)",
    symptom: `browsers get ERR_TOO_MANY_REDIRECTS: ${loops[0]?.request.url} redirects to itself`,
    causes,
    fix: fix.join("\n"),
    evidence: loops.slice(0, 2),
  };
}

function csrfFailure(input: DoctorInput): Diagnosis | undefined {
  const check = checkOf(input.scan, "csrf-origin");
  const target = new URL(input.scan.target);
  const ownOrigin = `https://${target.host}`;
  const refused = (check?.evidence ?? []).filter(
    (x) =>
      x.request.method === "POST" &&
      x.request.headers.some(([n, v]) => n.toLowerCase() === "origin" && v === ownOrigin) &&
      x.response?.status === 403,
  );
  if (check?.status !== "fail" || refused.length === 0) return undefined;
  const host = siteHost(input.scan);
  const causes: Cause[] = [];
  const otherHosts = [
    ...new Set([...believedHosts(input.scan, host), ...foreignRedirectHosts(input.scan, host)]),
  ];
  if (otherHosts.length)
    causes.push({
      from: "live",
      text: `the proxy rewrites Host: the app takes its host to be ${otherHosts.join(", ")}, not ${host}, so the browser's Origin ${ownOrigin} matches neither the host nor CSRF_TRUSTED_ORIGINS`,
    });
  if (checkOf(input.scan, "scheme")?.status === "fail")
    causes.push({
      from: "live",
      text: `Django does not trust the scheme: it sees HTTPS requests as http, so it expects the Origin http://${target.host} and refuses ${ownOrigin}`,
    });
  causes.push(...auditCauses(input.audit, ["csrf-origin"]));
  if (causes.length === 0)
    causes.push({
      from: "live",
      text: `the Host and scheme look right, so CSRF_TRUSTED_ORIGINS is the suspect: it must list '${ownOrigin}' with the scheme (Django 4 ignores entries without one)`,
    });
  return {
    id: "csrf-failure",
    clause: "csrf-origin",
    status: "fail",
    title: 'CSRF failures in production ("CSRF verification failed: Origin checking failed")',
    symptom: `real users' form posts fail with "CSRF verification failed. Origin checking failed - ${ownOrigin} does not match any trusted origins"`,
    causes,
    fix: fixFor("csrf-origin", input),
    evidence: refused.slice(0, 1),
  };
}

function sessions(input: DoctorInput): Diagnosis | undefined {
  const sightings = credentialCookies(input.scan);
  const secureOverHttp = sightings.filter((s) => s.overPlainHttp && s.cookie.secure);
  const insecure = sightings.filter((s) => !s.cookie.secure);
  const plainHttpServed =
    checkOf(input.scan, "https-redirect")?.summary.includes("served without a redirect") ?? false;
  const dropping: Cause[] = [];
  if (secureOverHttp.length)
    dropping.push({
      from: "live",
      text: `${names(secureOverHttp)} set with Secure on a plain-HTTP response: browsers discard it, so a login over http:// never sticks`,
    });
  if (plainHttpServed && sightings.some((s) => s.cookie.secure))
    dropping.push({
      from: "live",
      text: "plain HTTP is served without a redirect while the cookies are Secure: on any http:// page the browser does not send them and the user looks logged out",
    });
  const leaking: Cause[] = insecure.length
    ? [
        {
          from: "live",
          text: `${names(insecure)} without Secure: sent over plain HTTP too, where anyone on the path can read the session`,
        },
      ]
    : [];
  if (dropping.length + leaking.length === 0) return undefined;
  return {
    id: "sessions",
    clause: "cookie-flags",
    status: "fail",
    title: dropping.length
      ? "Sessions drop (users are logged out)"
      : "Session cookies travel over plain HTTP",
    symptom: dropping.length
      ? "users are logged out or lose their session when a page is reached over http://"
      : "the session cookie is sent over plain HTTP, where it can be stolen",
    causes: [...dropping, ...leaking, ...auditCauses(input.audit, ["cookie-flags"])],
    fix: [fixFor("cookie-flags", input), ...(plainHttpServed ? [fixFor("https-redirect", input)] : [])].join(
      "\n",
    ),
    evidence: [...secureOverHttp, ...insecure].slice(0, 2).map((s) => s.exchange),
  };
}

function names(sightings: { cookie: { name: string } }[]): string {
  return [...new Set(sightings.map((s) => s.cookie.name))].join(" and ");
}

function clientHeadersBelieved(input: DoctorInput): Diagnosis | undefined {
  const check = checkOf(input.scan, "spoofed-proto");
  if (check?.status !== "fail") return undefined;
  const causes = auditCauses(input.audit, ["spoofed-proto"]);
  if (causes.length === 0)
    causes.push({
      from: "live",
      text: "the proxy passes the client's scheme header on instead of overwriting it, and Django or gunicorn believes it",
    });
  return {
    id: "client-headers-believed",
    clause: "spoofed-proto",
    status: "fail",
    title: "Client headers are believed (plain HTTP passes for HTTPS)",
    symptom: `a client can make plain HTTP look like HTTPS to the app: ${check.summary.split("\n")[1]?.trim() ?? check.summary}`,
    causes,
    fix: check.fix ?? fixFor("spoofed-proto", input),
    evidence: check.evidence.slice(0, 2),
  };
}

/** Every other failing clause: the scan's own words as the symptom, the files' findings as causes. */
function otherClause(input: DoctorInput, check: CheckResult): Diagnosis {
  const causes = auditCauses(input.audit, [check.clause]);
  if (causes.length === 0) causes.push({ from: "live", text: clause(check.clause).why });
  return {
    id: check.id,
    clause: check.clause,
    status: check.status === "fail" ? "fail" : "warn",
    title: clause(check.clause).title,
    symptom: check.summary,
    causes,
    fix: check.fix ?? fixFor(check.clause, input),
    evidence: check.evidence,
  };
}

/**
 * The live site fails a clause the files given say nothing about: the live result wins, the files are
 * not what is deployed. (The other way round, a finding the live site does not show, is often a path
 * the scan cannot reach, so it is not called a disagreement.)
 */
function disagreements(input: DoctorInput): Diagnosis[] {
  if (!input.audit || !input.auditedProxy) return [];
  const audit = input.audit;
  return STATICALLY_JUDGED.flatMap((id): Diagnosis[] => {
    const live = checkOf(input.scan, id);
    const anyFinding = audit.checks.some(
      (c) => c.clause === id && (c.status === "fail" || c.status === "warn"),
    );
    if (live?.status === "fail" && !anyFinding)
      return [
        {
          id: "files-disagree",
          clause: id,
          status: "warn",
          title: "The files given are not the ones deployed",
          symptom: `${id}: the live site fails (${live.summary.split("\n")[0]}), but the files given show nothing wrong`,
          causes: [
            {
              from: "live",
              text: "the live result is the true one: the deployed configuration differs from the files given (another file, an include, a stale copy, or a tier in front)",
            },
          ],
          fix: "Audit the configuration the server actually loads (nginx -T, haproxy -c -f the live file, caddy adapt), then fix that one.",
          evidence: live.evidence.slice(0, 2),
        },
      ];
    return [];
  });
}

export function diagnose(input: DoctorInput): Diagnosis[] {
  const named = [redirectLoop, csrfFailure, sessions, clientHeadersBelieved]
    .map((detect) => detect(input))
    .filter((d): d is Diagnosis => d !== undefined);
  const covered = new Set<string>(named.map((d) => d.clause));
  if (named.some((d) => d.id === "redirect-loop")) covered.add("scheme");
  const rest = input.scan.checks
    .filter((c) => failing(c) && !covered.has(c.clause))
    .map((c) => otherClause(input, c));
  return [...named, ...rest, ...disagreements(input)];
}

function causeLine(cause: Cause): string {
  const where = cause.location ? ` (${cause.location.file}:${cause.location.line})` : "";
  return `cause (${cause.from === "live" ? "seen live" : "in the files"}): ${cause.text}${where}`;
}

function toCheck(d: Diagnosis): CheckResult {
  const located = d.causes.find((c) => c.location)?.location;
  return {
    id: d.id,
    clause: d.clause,
    status: d.status,
    severity: d.status === "fail" ? "high" : "medium",
    title: d.title,
    summary: [`${d.title}: ${d.symptom}`, ...d.causes.map(causeLine)].join("\n"),
    evidence: d.evidence,
    fix: d.fix,
    ...(located ? { location: located } : {}),
  };
}

/** The doctor's report: the diagnoses first, then every clause the scan saw pass or skip. */
export function doctorReport(input: DoctorInput): Report {
  const diagnoses = diagnose(input).map(toCheck);
  const quiet = input.scan.checks.filter((c) => !failing(c));
  return {
    ...input.scan,
    command: "doctor",
    target: input.audit ? `${input.scan.target} + ${input.audit.target}` : input.scan.target,
    checks: [...diagnoses, ...quiet],
  };
}
