import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diagnose, doctorReport, type DoctorInput } from "../../../src/doctor/diagnose.js";
import type { CheckResult, Exchange, HeaderList, Report } from "../../../src/report/model.js";

const SITE = "https://app.test/";

function exchange(
  method: string,
  url: string,
  status: number,
  headers: HeaderList,
  sent: HeaderList = [],
): Exchange {
  return {
    label: `${method} ${url}`,
    request: { method, url, headers: [["Host", new URL(url).host], ...sent] },
    response: { status, headers },
  };
}

function check(
  id: CheckResult["clause"],
  status: CheckResult["status"],
  evidence: Exchange[] = [],
  summary = `${id} ${status}`,
): CheckResult {
  return { id, clause: id, status, severity: "high", title: id, summary, evidence };
}

function report(command: Report["command"], checks: CheckResult[]): Report {
  return {
    tool: "proxytrust",
    version: "0",
    command,
    target: command === "scan" ? SITE : "files",
    proxy: "nginx",
    checks,
  };
}

function finding(
  id: string,
  clause: CheckResult["clause"],
  status: CheckResult["status"],
  summary: string,
): CheckResult {
  return { ...check(clause, status, [], summary), id, location: { file: "nginx.conf", line: 12 } };
}

const selfRedirect = exchange("GET", SITE, 301, [["Location", SITE]]);
const ownOriginRefused = exchange(
  "POST",
  "https://app.test/contact/",
  403,
  [],
  [["Origin", "https://app.test"]],
);

function ids(input: DoctorInput): string[] {
  return diagnose(input).map((d) => d.id);
}

describe("redirect loop", () => {
  test("an HTTPS request redirected to itself is a loop; without files the cause is Django's view of the scheme", () => {
    const [loop] = diagnose({
      scan: report("scan", [check("scheme", "fail", [selfRedirect])]),
      auditedProxy: false,
    });
    assert.equal(loop?.id, "redirect-loop");
    assert.match(loop!.causes[0]!.text, /Django believes HTTPS requests are plain HTTP/);
    assert.match(loop!.fix, /X-Forwarded-Proto/);
  });

  test("a redirect from http to https is not a loop", () => {
    const upgrade = exchange("GET", "http://app.test/", 301, [["Location", SITE]]);
    const scan = report("scan", [check("https-redirect", "pass", [upgrade])]);
    assert.deepEqual(ids({ scan, auditedProxy: false }), []);
  });

  test("answers through Cloudflare name Flexible TLS mode and its fix", () => {
    const viaCloudflare = exchange("GET", SITE, 301, [
      ["Location", SITE],
      ["Server", "cloudflare"],
    ]);
    const [loop] = diagnose({
      scan: report("scan", [check("scheme", "fail", [viaCloudflare])]),
      auditedProxy: false,
    });
    assert.match(loop!.causes[0]!.text, /Flexible/);
    assert.match(loop!.fix, /Full \(strict\)/);
  });

  test("a finding in the files is the cause, with its place", () => {
    const audit = report("audit", [
      finding("contract-ssl-redirect-loop", "https-redirect", "fail", "X-Forwarded-Proto is removed"),
    ]);
    const [loop] = diagnose({
      scan: report("scan", [check("scheme", "fail", [selfRedirect])]),
      audit,
      auditedProxy: true,
    });
    assert.deepEqual(loop!.causes, [
      { from: "files", text: "X-Forwarded-Proto is removed", location: { file: "nginx.conf", line: 12 } },
    ]);
  });

  test("the scheme clause is part of the loop, not a second diagnosis", () => {
    const scan = report("scan", [check("scheme", "fail", [selfRedirect]), check("https-redirect", "fail")]);
    assert.deepEqual(ids({ scan, auditedProxy: false }), ["redirect-loop"]);
  });
});

describe("CSRF Origin failure", () => {
  test("a rewritten Host is read from where Django redirects", () => {
    const offHost = exchange("GET", "http://app.test/", 301, [["Location", "https://10.0.0.5:8000/"]]);
    const scan = report("scan", [
      check("csrf-origin", "fail", [ownOriginRefused]),
      check("https-redirect", "fail", [offHost]),
    ]);
    const csrf = diagnose({ scan, auditedProxy: false }).find((d) => d.id === "csrf-failure");
    assert.match(csrf!.causes[0]!.text, /rewrites Host: the app takes its host to be 10\.0\.0\.5:8000/);
  });

  test("a rewritten Host is read from what the probe middleware saw", () => {
    const scan = report("scan", [
      check("csrf-origin", "fail", [ownOriginRefused]),
      check(
        "forwarded-host",
        "pass",
        [],
        "https X-Forwarded-Host: proxytrust-foreign.invalid: Django saw host=backend:8000 (probe middleware)",
      ),
    ]);
    const csrf = diagnose({ scan, auditedProxy: false }).find((d) => d.id === "csrf-failure");
    assert.match(csrf!.causes[0]!.text, /host to be backend:8000,/);
  });

  test("an untrusted scheme is named when the scheme clause fails", () => {
    const scan = report("scan", [check("csrf-origin", "fail", [ownOriginRefused]), check("scheme", "fail")]);
    const csrf = diagnose({ scan, auditedProxy: false }).find((d) => d.id === "csrf-failure");
    assert.match(csrf!.causes[0]!.text, /expects the Origin http:\/\/app\.test/);
  });

  test("with Host and scheme right, CSRF_TRUSTED_ORIGINS and its scheme are the suspect", () => {
    const scan = report("scan", [check("csrf-origin", "fail", [ownOriginRefused])]);
    const [csrf] = diagnose({ scan, auditedProxy: false });
    assert.match(csrf!.causes[0]!.text, /CSRF_TRUSTED_ORIGINS[^\n]*'https:\/\/app\.test' with the scheme/);
  });

  test("a refused foreign Origin alone is not this symptom", () => {
    const foreign = exchange("POST", "https://app.test/contact/", 403, [], [["Origin", "https://evil.test"]]);
    const scan = report("scan", [check("csrf-origin", "fail", [foreign])]);
    assert.deepEqual(ids({ scan, auditedProxy: false }), ["csrf-origin"]);
  });
});

describe("sessions", () => {
  test("a Secure cookie set over plain HTTP drops the session", () => {
    const secureOverHttp = exchange("GET", "http://app.test/", 200, [
      ["Set-Cookie", "sessionid=a; Path=/; Secure; HttpOnly"],
    ]);
    const [sessions] = diagnose({
      scan: report("scan", [check("cookie-flags", "fail", [secureOverHttp])]),
      auditedProxy: false,
    });
    assert.equal(sessions!.title, "Sessions drop (users are logged out)");
    assert.match(sessions!.causes[0]!.text, /browsers discard it/);
  });

  test("plain HTTP served while cookies are Secure drops the session on http:// pages", () => {
    const secure = exchange("GET", SITE, 200, [["Set-Cookie", "sessionid=a; Secure"]]);
    const scan = report("scan", [
      check("cookie-flags", "pass", [secure]),
      check("https-redirect", "fail", [], "plain HTTP is served without a redirect (200)"),
    ]);
    const sessions = diagnose({ scan, auditedProxy: false }).find((d) => d.id === "sessions");
    assert.match(sessions!.causes[0]!.text, /looks logged out/);
    assert.match(sessions!.fix, /return 301 https/);
  });

  test("a cookie without Secure is a leak, not a drop", () => {
    const insecure = exchange("GET", SITE, 200, [["Set-Cookie", "sessionid=a; HttpOnly"]]);
    const [sessions] = diagnose({
      scan: report("scan", [check("cookie-flags", "fail", [insecure])]),
      auditedProxy: false,
    });
    assert.equal(sessions!.title, "Session cookies travel over plain HTTP");
  });

  test("a deleted cookie is not a credential", () => {
    const deletion = exchange("GET", "http://app.test/", 200, [
      ["Set-Cookie", "sessionid=; Max-Age=0; Secure"],
    ]);
    assert.deepEqual(
      ids({ scan: report("scan", [check("cookie-flags", "pass", [deletion])]), auditedProxy: false }),
      [],
    );
  });
});

describe("live and files disagree", () => {
  const spoofed = check(
    "spoofed-proto",
    "fail",
    [],
    "plain HTTP + X-Forwarded-Proto: https: the app believed https",
  );

  test("a live failure the proxy's files say nothing about: the files are not the deployed ones", () => {
    const audit = report("audit", [finding("django-hsts-preload", "hsts", "warn", "preload")]);
    const found = diagnose({ scan: report("scan", [spoofed]), audit, auditedProxy: true }).filter(
      (d) => d.id === "files-disagree",
    );
    assert.equal(found.length, 1);
    assert.equal(found[0]!.clause, "spoofed-proto");
    assert.match(found[0]!.causes[0]!.text, /the live result is the true one/);
  });

  test("no disagreement when the files explain the failure", () => {
    const audit = report("audit", [
      finding("nginx-xfp-from-client", "spoofed-proto", "fail", "copied from the client"),
    ]);
    assert.ok(
      !ids({ scan: report("scan", [spoofed]), audit, auditedProxy: true }).includes("files-disagree"),
    );
  });

  test("without a proxy config among the files, their silence proves nothing", () => {
    const audit = report("audit", []);
    assert.ok(
      !ids({ scan: report("scan", [spoofed]), audit, auditedProxy: false }).includes("files-disagree"),
    );
  });
});

describe("the doctor report", () => {
  test("diagnoses first, then what passed; one model, command doctor", () => {
    const scan = report("scan", [check("hsts", "pass"), check("scheme", "fail", [selfRedirect])]);
    const doctor = doctorReport({ scan, auditedProxy: false });
    assert.equal(doctor.command, "doctor");
    assert.deepEqual(
      doctor.checks.map((c) => [c.id, c.status]),
      [
        ["redirect-loop", "fail"],
        ["hsts", "pass"],
      ],
    );
    const [loop] = doctor.checks;
    assert.match(loop!.summary, /^Redirect loop \(ERR_TOO_MANY_REDIRECTS\): [^\n]+\ncause \(seen live\): /);
  });
});
