import assert from "node:assert/strict";
import { test } from "node:test";
import { formatText } from "../../../src/report/format-text.js";
import type { CheckResult, Report } from "../../../src/report/model.js";
import { SPOOF_EXCHANGE } from "./fixtures.js";

const DROPPED = "location /static/ has its own add_header lines, so Strict-Transport-Security is not sent.";

function finding(
  file: string,
  line: number,
  summary = DROPPED,
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    id: "nginx-hsts-dropped",
    clause: "hsts",
    status: "fail",
    severity: "medium",
    title: "A block's own add_header drops the inherited HSTS header",
    summary,
    evidence: [],
    fix: "nginx: repeat add_header Strict-Transport-Security in the block",
    location: { file, line },
    ...extra,
  };
}

function report(checks: CheckResult[]): Report {
  return { tool: "proxytrust", version: "0", command: "audit", target: "nginx.conf", checks };
}

test("a rule found at many places is one entry listing every place, its fix once", () => {
  const text = formatText(
    report([
      finding("sites/a.conf", 13),
      finding("sites/a.conf", 34),
      finding("sites/b.conf", 7),
      finding("sites/b.conf", 50, "if ($request_method = OPTIONS) has its own add_header lines."),
    ]),
    { colour: false },
  );
  assert.match(text, /^FAIL +nginx-hsts-dropped +4 places: A block's own add_header/m);
  assert.match(
    text,
    new RegExp(
      `^ +${DROPPED.replace(/[()$.]/g, "\\$&")}\\n +sites/a\\.conf:13, 34\\n +sites/b\\.conf:7$`,
      "m",
    ),
  );
  assert.match(text, /^ +sites\/b\.conf:50 +if \(\$request_method = OPTIONS\) has its own/m);
  assert.equal(text.split("fix:").length - 1, 1);
  assert.match(text, /4 fail/);
});

test("a finding alone, one with evidence, or one of another status keeps its own line", () => {
  const text = formatText(
    report([
      finding("sites/a.conf", 13),
      finding("sites/a.conf", 20, DROPPED, { status: "warn" }),
      finding("sites/a.conf", 30, DROPPED, { evidence: [SPOOF_EXCHANGE] }),
    ]),
    { colour: false },
  );
  assert.doesNotMatch(text, /places/);
  assert.match(text, /^FAIL +nginx-hsts-dropped +sites\/a\.conf:13 +location/m);
  assert.match(text, /^WARN +nginx-hsts-dropped +sites\/a\.conf:20 +location/m);
  assert.match(text, /^FAIL +nginx-hsts-dropped +sites\/a\.conf:30 +location/m);
  assert.equal(text.split("fix:").length - 1, 3);
});

test("what files, logs and servers said reaches the terminal with its control characters shown, not obeyed", () => {
  const hostile = "X\u001b[31mRED\u001b]0;title\u0007\rPASS";
  const exchange = {
    ...SPOOF_EXCHANGE,
    request: {
      ...SPOOF_EXCHANGE.request,
      headers: [["X-Forwarded-Host", `evil\u001b[2J.com`]] as [string, string][],
    },
  };
  for (const colour of [false, true]) {
    const text = formatText(
      report([
        finding(`sites/a\u001b[1m.conf`, 1, `${hostile}\nsecond line`, { target: `t\u009b1m` }),
        finding("sites/b.conf", 2, hostile),
        finding("sites/b.conf", 3, hostile),
        finding("sites/c.conf", 4, DROPPED, { status: "warn", evidence: [exchange] }),
      ]),
      { colour, verbose: true },
    );
    // eslint-disable-next-line no-control-regex -- the colour codes the formatter adds itself
    const withoutPaint = colour ? text.replace(/\u001b\[\d+m/g, "") : text;
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.doesNotMatch(withoutPaint, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, `colour ${colour}`);
    assert.match(text, /X\\x1b\[31mRED\\x1b\]0;title\\x07\\rPASS/);
    assert.match(text, /^ +second line$/m);
    assert.match(text, /sites\/a\\x1b\[1m\.conf:1/);
    assert.match(text, /X-Forwarded-Host: evil\\x1b\[2J\.com/);
  }
});

test("the opening lines, what a server's headers and a tree's files said, show control characters too", () => {
  const text = formatText(
    {
      ...report([]),
      identified: {
        proxy: { kind: "nginx", from: 'Server: nginx\u009b2J, in "https baseline"' },
        appServer: { kind: "gunicorn", from: "Server: gunicorn\u001b]0;x\u0007" },
      },
      discovery: {
        root: "/repo\u001b[1m",
        filesWalked: 3,
        found: [{ file: "deploy/\u009b2Jnginx.conf", kind: "nginx", why: "server block" }],
        deployments: [
          {
            name: "web\r",
            files: [{ role: "proxy", file: "deploy/\u009b2Jnginx.conf" }],
            pairedBecause: ["same directory"],
            environment: [{ name: "DJANGO_ALLOWED_HOSTS", value: "a\u001b[2J", file: "Dockerfile", line: 3 }],
          },
        ],
        ignored: [{ path: "x\u0085y", reason: "binary" }],
      },
    },
    { colour: false },
  );
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  assert.match(text, /^proxy: nginx, identified from Server: nginx\\x9b2J, in "https baseline"$/m);
  assert.match(text, /^app server: gunicorn, identified from Server: gunicorn\\x1b\]0;x\\x07$/m);
  assert.match(text, /env DJANGO_ALLOWED_HOSTS=a\\x1b\[2J {2}\(Dockerfile:3\)/);
});

test("a group's count is written with thousands separators", () => {
  for (const [count, shown] of [
    [999, "999"],
    [1_000, "1,000"],
    [23_456, "23,456"],
  ] as const) {
    const checks = Array.from({ length: count }, (_, i) => finding("sites/a.conf", i + 1));
    assert.match(
      formatText(report(checks), { colour: false }),
      new RegExp(`nginx-hsts-dropped +${shown} places:`),
    );
  }
});

test("a title or fix read from a merged report shows its control characters, never sends them", () => {
  const hostile = { title: "HSTS\u001b]0;owned\u0007 dropped", fix: "nginx: add_header\u009b2J X" };
  const text = formatText(
    report([finding("a.conf", 1, DROPPED, hostile), finding("a.conf", 2, DROPPED, hostile)]),
    { colour: false },
  );
  assert.ok(!["\u001b", "\u0007", "\u009b"].some((char) => text.includes(char)));
  assert.match(text, /HSTS\\x1b\]0;owned\\x07 dropped/);
  assert.match(text, /add_header\\x9b2J X/);
});
