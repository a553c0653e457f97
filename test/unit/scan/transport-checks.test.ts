import assert from "node:assert/strict";
import { test } from "node:test";
import { cookieFlagsCheck } from "../../../src/scan/checks/cookie-flags.js";
import { healthExemptCheck } from "../../../src/scan/checks/health-exempt.js";
import { hstsCheck } from "../../../src/scan/checks/hsts.js";
import { httpsRedirectCheck } from "../../../src/scan/checks/https-redirect.js";
import { evidence, exchange, silent } from "./fixtures.js";

const start = "http://app.test/?proxytrust=1";
const final = exchange("https://app.test/?proxytrust=1", { status: 200 });

test("https-redirect: one permanent redirect to the same path and query passes", () => {
  const hop = exchange(start, { status: 301, headers: [["Location", "https://app.test/?proxytrust=1"]] });
  assert.equal(
    httpsRedirectCheck.judge(evidence({ httpChain: { hops: [hop, final], outcome: "final" } })).status,
    "pass",
  );
});

test("https-redirect: a chain that ends on plain HTTP fails, whichever hop leads there", () => {
  const judge = (...hops: ReturnType<typeof exchange>[]) =>
    httpsRedirectCheck.judge(evidence({ httpChain: { hops, outcome: "final" } }));
  const toLanguage = exchange(start, { status: 301, headers: [["Location", "/en/?proxytrust=1"]] });
  const servedPlain = exchange("http://app.test/en/?proxytrust=1", { status: 200 });
  const stayedPlain = judge(toLanguage, servedPlain);
  assert.equal(stayedPlain.status, "fail");
  assert.match(stayedPlain.summary, /^plain HTTP is served at the end of the redirects: 301 -> \/en\//);
  const toHttps = exchange(start, { status: 301, headers: [["Location", "https://app.test/?proxytrust=1"]] });
  const backToPlain = exchange("https://app.test/?proxytrust=1", {
    status: 302,
    headers: [["Location", "http://app.test/en/?proxytrust=1"]],
  });
  assert.equal(judge(toHttps, backToPlain, servedPlain).status, "fail");
  // Through plain HTTP, but ending on https: a warning, as before.
  const viaPlain = exchange("http://app.test/en/?proxytrust=1", {
    status: 301,
    headers: [["Location", "https://app.test/en/?proxytrust=1"]],
  });
  assert.equal(
    judge(toLanguage, viaPlain, exchange("https://app.test/en/?proxytrust=1", { status: 200 })).status,
    "warn",
  );
});

test("https-redirect: no redirect, a lost query, a loop, an off-host or unusable redirect fail; 302 warns", () => {
  const judge = (
    hops: ReturnType<typeof exchange>[],
    outcome: "final" | "loop" | "off-host" | "invalid-location",
    unfollowedLocation?: string,
  ) => httpsRedirectCheck.judge(evidence({ httpChain: { hops, outcome, unfollowedLocation } })).status;
  assert.equal(judge([exchange(start, { status: 200 })], "final"), "fail");
  assert.equal(
    judge([exchange(start, { status: 301, headers: [["Location", "https://app.test/"]] }), final], "final"),
    "fail",
  );
  const toSelf = exchange("https://app.test/?proxytrust=1", {
    status: 301,
    headers: [["Location", "https://app.test/?proxytrust=1"]],
  });
  assert.equal(
    judge(
      [exchange(start, { status: 301, headers: [["Location", "https://app.test/?proxytrust=1"]] }), toSelf],
      "loop",
    ),
    "fail",
  );
  assert.equal(
    judge(
      [exchange(start, { status: 301, headers: [["Location", "https://127.0.0.9:8000/?proxytrust=1"]] })],
      "off-host",
      "https://127.0.0.9:8000/",
    ),
    "fail",
  );
  // The port is out of range: no URL parser accepts it, so no browser follows it.
  const badPort = "https://app.test:99999/?proxytrust=1";
  assert.equal(
    judge([exchange(start, { status: 301, headers: [["Location", badPort]] })], "invalid-location", badPort),
    "fail",
  );
  assert.equal(
    judge(
      [exchange(start, { status: 302, headers: [["Location", "https://app.test/?proxytrust=1"]] }), final],
      "final",
    ),
    "warn",
  );
  assert.equal(judge([exchange(start, undefined, {}, "connection refused")], "final"), "skip");
});

test("hsts: a year with includeSubDomains passes; missing, zero, invalid or under six months fails; under a year or without includeSubDomains warns", () => {
  const judge = (value?: string) =>
    hstsCheck.judge(
      evidence({
        baselines: {
          https: {
            get: exchange("https://app.test/", {
              status: 200,
              headers: value ? [["Strict-Transport-Security", value]] : [],
            }),
          },
          http: {},
        },
      }),
    ).status;
  assert.equal(judge("max-age=31536000; includeSubDomains"), "pass");
  assert.equal(judge(undefined), "fail");
  assert.equal(judge("max-age=0"), "fail");
  assert.equal(judge("includeSubDomains"), "fail");
  assert.equal(judge("max-age=300; includeSubDomains"), "fail");
  assert.equal(judge("max-age=3600; includeSubDomains; preload"), "fail");
  assert.equal(judge("max-age=2592000; includeSubDomains"), "fail");
  assert.equal(judge("max-age=15767999; includeSubDomains"), "fail");
  assert.equal(judge("max-age=15768000; includeSubDomains"), "warn");
  assert.equal(judge("max-age=31535999; includeSubDomains"), "warn");
  assert.equal(judge("max-age=31536000"), "warn");
  assert.equal(judge("max-age=63072000; includeSubDomains; preload"), "pass");
});

test("cookie-flags without a sensitive cookie skips, and asks for --cookie-path only when it was not given", () => {
  const page = exchange("https://app.test/account/", {
    status: 200,
    headers: [["Set-Cookie", "theme=dark"]],
  });
  const cookieSources = [{ leg: "https" as const, captured: page }];
  const unnamed = cookieFlagsCheck.judge(evidence({ cookieSources }));
  assert.equal(unnamed.status, "skip");
  assert.match(unnamed.summary, /; name one with --cookie-path$/);
  const named = cookieFlagsCheck.judge(evidence({ cookieSources, cookiePath: "/account/" }));
  assert.equal(named.status, "skip");
  assert.doesNotMatch(named.summary, /--cookie-path/);
});

test("cookie-flags: judges each sensitive cookie on its own attributes", () => {
  const judge = (leg: "http" | "https", ...lines: string[]) =>
    cookieFlagsCheck.judge(
      evidence({
        cookieSources: [
          {
            leg,
            captured: exchange(`${leg}://app.test/`, {
              status: 200,
              headers: lines.map((l) => ["Set-Cookie", l] as [string, string]),
            }),
          },
        ],
      }),
    );
  assert.equal(
    judge("https", "csrftoken=a; Secure; SameSite=Lax", "sessionid=b; Secure; HttpOnly; SameSite=Lax").status,
    "pass",
  );
  assert.equal(judge("https", "sessionid=b; Secure; SameSite=Lax").status, "fail");
  assert.equal(judge("https", "csrftoken=a; SameSite=Lax").status, "fail");
  assert.equal(judge("https", "csrftoken=a; Secure").status, "warn");
  assert.equal(
    judge("https", "__Host-sessionid=b; Secure; HttpOnly; SameSite=Lax; Path=/; Domain=app.test").status,
    "fail",
  );
  assert.equal(judge("http", "sessionid=b; Secure; HttpOnly; SameSite=Lax").status, "fail");
  assert.equal(judge("https", "theme=dark").status, "skip");
  assert.equal(judge("https", "sessionid=; Max-Age=0").status, "skip");
  // Max-Age wins over an Expires in the past: this cookie is set for two weeks.
  assert.equal(
    judge("https", "sessionid=b; Max-Age=1209600; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax")
      .status,
    "fail",
  );
  const unknownSameSite = judge("https", "sessionid=b; Secure; HttpOnly; SameSite=Lax,Strict");
  assert.equal(unknownSameSite.status, "warn");
  assert.match(unknownSameSite.summary, /SameSite=Lax,Strict, which browsers ignore/);
});

test("health-exempt: a named path must answer 2xx over plain HTTP; a default one only warns", () => {
  const probe = (named: boolean, status: number) => ({
    path: "/healthz",
    named,
    https: exchange("https://app.test/healthz", { status: 200 }),
    http: exchange("http://app.test/healthz", {
      status,
      headers: status === 301 ? [["Location", "https://app.test/healthz"]] : [],
    }),
  });
  assert.equal(healthExemptCheck.judge(evidence({ health: [probe(true, 200)] })).status, "pass");
  assert.equal(healthExemptCheck.judge(evidence({ health: [probe(true, 301)] })).status, "fail");
  assert.equal(healthExemptCheck.judge(evidence({ health: [probe(false, 301)] })).status, "warn");
  const absent = {
    path: "/healthz",
    named: false,
    https: exchange("https://app.test/healthz", { status: 404 }),
  };
  assert.equal(healthExemptCheck.judge(evidence({ health: [absent] })).status, "skip");
});

test("health-exempt: no answer over plain HTTP is an error, not a verdict", () => {
  const probe = {
    path: "/healthz",
    named: true,
    http: silent("http://app.test/healthz"),
  };
  assert.equal(healthExemptCheck.judge(evidence({ health: [probe] })).status, "error");
});
