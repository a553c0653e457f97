/**
 * Retrieval against whatever a site or a user hands it: paths that a URL parser would read as another
 * host, form actions and redirect targets no browser could follow. Every probe stays on the target's
 * host, and nothing the site sends can make the scan throw.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientIpCheck } from "../../../src/scan/checks/client-ip.js";
import { originExposureCheck } from "../../../src/scan/checks/origin-exposure.js";
import { collectEvidence, followRedirects } from "../../../src/scan/collect.js";
import { DEFAULT_SCAN_OPTIONS, type ScanOptions } from "../../../src/scan/options.js";
import type { ProbeClient, ProbeSpec } from "../../../src/scan/probe-client.js";
import { exchange } from "./fixtures.js";

type Answer = Parameters<typeof exchange>[1];

/** Answers every probe with `answer(spec)` (refused when undefined) and keeps each probe's URL. */
function stubClient(answer: (spec: ProbeSpec) => Answer = () => undefined) {
  const urls: URL[] = [];
  const client = {
    count: 0,
    async probe(spec: ProbeSpec) {
      urls.push(spec.url);
      const response = answer(spec);
      const method = spec.method ?? (spec.form ? "POST" : "GET");
      return exchange(spec.url.href, response, { method }, response ? undefined : "connection refused");
    },
  };
  return { client: client as unknown as ProbeClient, urls };
}

const options = (extra: Partial<ScanOptions> = {}): ScanOptions => ({ ...DEFAULT_SCAN_OPTIONS, ...extra });

test("paths that start with // stay paths on the target's host", async () => {
  const { client, urls } = stubClient();
  await collectEvidence(
    new URL("https://shop.example.com//admin/"),
    options({ healthPaths: ["//healthz"], csrfPost: "//evil.example/x", csrfPath: "//accounts/login/" }),
    client,
  );
  assert.ok(urls.length > 20);
  assert.deepEqual([...new Set(urls.map((url) => url.hostname))], ["shop.example.com"]);
  assert.ok(urls.some((url) => url.pathname === "//evil.example/x"));

  const { client: other, urls: more } = stubClient();
  await collectEvidence(new URL("https://shop.example.com//"), options(), other);
  assert.deepEqual([...new Set(more.map((url) => url.hostname))], ["shop.example.com"]);
});

test("a form whose action no browser could follow is passed over", async () => {
  const page = `<form method="post" action="http://[x"><input type="hidden" name="csrfmiddlewaretoken" value="t0ken"></form>`;
  const { client, urls } = stubClient((spec) =>
    spec.url.protocol === "https:"
      ? { status: 200, headers: [["Set-Cookie", "csrftoken=abc; Path=/; Secure"]], body: page }
      : undefined,
  );
  const evidence = await collectEvidence(new URL("https://shop.example.com/"), options(), client);
  assert.equal(evidence.csrf.pair, undefined);
  assert.match(evidence.csrf.reason ?? "", /no page among/);
  assert.ok(urls.every((url) => url.hostname === "shop.example.com"));
});

test("a redirect to a Location no parser accepts ends the chain as invalid, unfollowed", async () => {
  const bad = "https://shop.example.com:99999/";
  const { client, urls } = stubClient(() => ({ status: 301, headers: [["Location", bad]] }));
  const chain = await followRedirects(
    client,
    new URL("http://shop.example.com/"),
    "shop.example.com",
    "http",
  );
  assert.equal(chain.outcome, "invalid-location");
  assert.equal(chain.unfollowedLocation, bad);
  assert.equal(urls.length, 1);
});

test("a candidate port that answers over TLS is judged by that answer, not by its 400 to plain HTTP", async () => {
  const { client } = stubClient((spec) => {
    if (spec.url.port !== "8443") return undefined;
    const body =
      spec.url.protocol === "https:"
        ? "<center>No required SSL certificate was sent</center>"
        : "<center>The plain HTTP request was sent to HTTPS port</center>";
    return { status: 400, body };
  });
  const evidence = await collectEvidence(
    new URL("https://shop.example.com/"),
    options({ originCandidatesHost: "127.0.0.1" }),
    client,
  );
  const candidate = evidence.originServers.find((origin) => origin.url.includes(":8443"));
  assert.equal(candidate?.url, "https://127.0.0.1:8443/");
  assert.equal(originExposureCheck.judge(evidence).status, "pass");
});

test("the token-carrying POSTs do not wait for the POST without any token", async () => {
  const withToken = `<form method="post" action="/contact/"><input type="hidden" name="csrfmiddlewaretoken" value="t0ken"></form>`;
  const withoutCookie = `<form method="post" action="/subscribe/"></form>`;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let holding = false;
  let tokenPostsWhileHeld = 0;
  const client = {
    count: 0,
    async probe(spec: ProbeSpec) {
      const method = spec.form ? "POST" : "GET";
      if (spec.form && !spec.cookie) {
        holding = true;
        await held;
        return exchange(spec.url.href, { status: 403 }, { method });
      }
      if (spec.cookie && holding) tokenPostsWhileHeld += 1;
      if (method === "GET" && spec.url.protocol === "https:" && spec.url.pathname === "/")
        return exchange(spec.url.href, {
          status: 200,
          headers: [["Set-Cookie", "csrftoken=abc; Path=/; Secure"]],
          body: withToken,
        });
      if (method === "GET" && spec.url.pathname === "/admin/login/")
        return exchange(spec.url.href, { status: 200, body: withoutCookie });
      return exchange(spec.url.href, { status: 403 }, { method });
    },
  } as unknown as ProbeClient;
  const collecting = collectEvidence(new URL("https://shop.example.com/"), options(), client);
  // Everything else is answered at once: give the scan a few turns, then let the held POST answer.
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
  holding = false;
  release();
  const evidence = await collecting;
  assert.equal(evidence.csrf.tokenless?.source.startsWith("/subscribe/"), true);
  assert.ok(
    tokenPostsWhileHeld > 0,
    "no token-carrying POST was sent while the tokenless one was unanswered",
  );
});

test("a probe token, even an empty one, is sent with every question to the probe and judged", async () => {
  const { client, urls } = stubClient();
  const evidence = await collectEvidence(
    new URL("https://shop.example.com/"),
    options({ probeToken: "" }),
    client,
  );
  assert.equal(evidence.probeAsked, true);
  assert.ok(urls.some((url) => url.pathname === DEFAULT_SCAN_OPTIONS.probePath));
  assert.equal(clientIpCheck.judge(evidence).status, "error");
});
