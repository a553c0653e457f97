/** Hand-built reports for the formatter tests: every status, wire text that breaks naive markup. */
import type { CheckResult, Exchange, Report } from "../../../src/report/model.js";

/** A response carrying what XML 1.0 forbids, a CDATA terminator and markup. */
export const HOSTILE_BODY = "ok\u0001\u0008\u000b\u001f]]><script>alert(1)</script>\uFFFE</pre>";

export const SPOOF_EXCHANGE: Exchange = {
  label: "http POST + X-Forwarded-Proto: https",
  request: {
    method: "POST",
    url: "http://app.test/contact/",
    headers: [
      ["Host", "app.test"],
      ["X-Forwarded-Proto", "https"],
    ],
    body: "csrfmiddlewaretoken=secret&name=",
  },
  response: {
    status: 403,
    headers: [
      ["Server", "nginx"],
      ["X-Odd", '"quoted" & <tagged>'],
    ],
    bodyExcerpt: HOSTILE_BODY,
  },
  belief: "https (Django demanded a Referer, which it does only on requests it believes are HTTPS)",
  replay: {
    curl: "curl -sS -i --http1.1 -H 'Host: app.test' -H 'X-Forwarded-Proto: https' --data-raw 'csrfmiddlewaretoken=secret&name=' http://app.test/contact/",
  },
};

function check(id: string, status: CheckResult["status"], extra: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    clause: (extra.clause ?? id) as CheckResult["clause"],
    status,
    severity: "medium",
    title: `title of ${id}`,
    summary: `${status} summary of ${id}`,
    evidence: [],
    ...extra,
  };
}

export function scanReport(): Report {
  return {
    tool: "proxytrust",
    version: "1.2.3",
    command: "scan",
    target: "https://app.test:8443/shop/",
    proxy: "nginx",
    requests: 86,
    durationMs: 190,
    checks: [
      check("scheme", "pass", {
        severity: "high",
        evidence: [{ ...SPOOF_EXCHANGE, label: "https baseline" }],
      }),
      check("spoofed-proto", "fail", {
        severity: "high",
        summary:
          "4 client-sent scheme header(s) changed what the app believes:\nplain HTTP + X-Forwarded-Proto: https",
        evidence: [SPOOF_EXCHANGE],
        fix: "nginx: proxy_set_header X-Forwarded-Proto $scheme;",
      }),
      check("hsts", "warn", { severity: "low", fix: "add_header Strict-Transport-Security ..." }),
      check("forwarded-host", "pass", { severity: "high" }),
      check("client-ip", "skip", { severity: "info", summary: "needs the probe middleware (--probe-token)" }),
      check("host-header", "error", { summary: "could not decide: connection reset" }),
    ],
  };
}

/** An audit report whose findings sit in `files` (absolute paths). */
export function auditReport(nginxConf: string, settings: string): Report {
  return {
    tool: "proxytrust",
    version: "1.2.3",
    command: "audit",
    target: "nginx.conf, settings.py",
    checks: [
      check("nginx-xfp-from-client", "fail", {
        clause: "spoofed-proto",
        severity: "high",
        location: { file: nginxConf, line: 8, column: 7 },
        fix: "nginx: proxy_set_header X-Forwarded-Proto $scheme;",
      }),
      check("nginx-xfp-from-client", "fail", {
        clause: "spoofed-proto",
        severity: "high",
        location: { file: nginxConf, line: 20 },
      }),
      check("django-debug", "warn", {
        clause: "hygiene",
        severity: "info",
        location: { file: settings, line: 3 },
      }),
      check("config-error", "error", {
        clause: "hygiene",
        severity: "high",
        location: { file: settings, line: 0 },
      }),
    ],
  };
}

/** The scan with spoofed-proto and host-header suppressed by the config file, and hsts's suppression expired. */
export function suppressedScanReport(): Report {
  const report = scanReport();
  const suppression = (id: string): CheckResult["suppression"] => {
    if (id === "spoofed-proto" || id === "host-header")
      return { reason: "the CDN <strips> it", expired: false };
    if (id === "hsts") return { reason: "set by the CDN", expires: "2025-01-31", expired: true };
    return undefined;
  };
  report.checks = report.checks.map((c) => {
    const s = suppression(c.id);
    return s ? { ...c, suppression: s } : c;
  });
  return report;
}
