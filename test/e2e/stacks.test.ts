// Starts every real stack (Django under gunicorn behind nginx, caddy, haproxy and apache) and checks
// with curl, not with our scanner, that each variant behaves the way it was designed to.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  PROXIES,
  VARIANTS,
  startStack,
  type ProxyName,
  type RunningStack,
  type Variant,
} from "../../stacks/index.js";

const run = promisify(execFile);
const HSTS = "max-age=31536000; includeSubDomains";
const FOREIGN_HOST = "evil.test";

const stacks = new Map<string, RunningStack>();
const startTimes = new Map<string, number>();
const key = (proxy: ProxyName, variant: Variant): string => `${proxy} ${variant}`;

function stack(proxy: ProxyName, variant: Variant): RunningStack {
  const found = stacks.get(key(proxy, variant));
  assert.ok(found, `the ${key(proxy, variant)} stack is not running`);
  return found;
}

/** Runs `task` over `items`, `limit` at a time; rejects with every failure once all have settled. */
async function inBatches<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const failures: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await task(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failures.length > 0) throw new AggregateError(failures, failures.map(String).join("\n\n"));
}

before(
  async () => {
    const all = PROXIES.flatMap((proxy) => VARIANTS.map((variant) => ({ proxy, variant })));
    await inBatches(all, 2, async (opts) => {
      const started = Date.now();
      stacks.set(key(opts.proxy, opts.variant), await startStack(opts));
      startTimes.set(key(opts.proxy, opts.variant), Date.now() - started);
    });
  },
  { timeout: 180_000 },
);

after(async () => {
  await Promise.all([...stacks.values()].map((s) => s.stop()));
});

interface Reply {
  /** curl's exit code: 0, or why there was no HTTP answer (35: TLS handshake, 52: empty reply...). */
  exitCode: number;
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

const WRITE_OUT_MARK = "\n--curl-write-out--\n";

/** One request with curl, through the stack's --connect-to mappings and CA; redirects are not followed. */
async function curl(s: RunningStack, url: string, ...args: string[]): Promise<Reply> {
  const argv = [
    "--silent",
    "--show-error",
    "--max-time",
    "10",
    ...s.scanArgs.slice(1),
    // The foreign name reaches the same proxy, as it would through a wildcard DNS record.
    ...["--connect-to", `${FOREIGN_HOST}:443:${s.address}:${s.httpsPort}`],
    ...["--connect-to", `${FOREIGN_HOST}:80:${s.address}:${s.httpPort}`],
    ...["--write-out", `${WRITE_OUT_MARK}%{http_code} %{header_json}`],
    ...args,
    url,
  ];
  let stdout: string;
  let exitCode = 0;
  try {
    ({ stdout } = await run("/usr/bin/curl", argv, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string };
    if (typeof failed.code !== "number" || failed.stdout === undefined) throw error;
    ({ stdout } = failed as { stdout: string });
    exitCode = failed.code;
  }
  const at = stdout.lastIndexOf(WRITE_OUT_MARK);
  const [status = "0", ...json] = stdout.slice(at + WRITE_OUT_MARK.length).split(" ");
  const headers = json.length > 0 ? (JSON.parse(json.join(" ")) as Record<string, string[]>) : {};
  return { exitCode, status: Number(status), headers, body: stdout.slice(0, at) };
}

const header = (reply: Reply, name: string): string[] => reply.headers[name] ?? [];
const cookie = (reply: Reply, name: string): string | undefined =>
  header(reply, "set-cookie").find((c) => c.startsWith(`${name}=`));
const canonical = (reply: Reply): string | undefined =>
  /<link rel="canonical" href="([^"]+)"/.exec(reply.body)?.[1];

/** Fetches `page` like a browser would before submitting its form: the CSRF cookie and form token. */
async function csrfPair(
  s: RunningStack,
  page: string,
  ...args: string[]
): Promise<{ cookie: string; token: string }> {
  const reply = await curl(s, page, ...args);
  const csrfCookie = cookie(reply, "csrftoken")?.split(";")[0];
  const token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(reply.body)?.[1];
  assert.ok(csrfCookie && token, `no CSRF cookie and token on ${page} (status ${reply.status})`);
  return { cookie: csrfCookie, token };
}

/** POSTs to /contact/ the way the browser's own page would. */
async function postContact(s: RunningStack, base: string, ...args: string[]): Promise<Reply> {
  const pair = await csrfPair(s, `${base}/`, ...args);
  return curl(
    s,
    `${base}/contact/`,
    ...["-H", `Cookie: ${pair.cookie}`, "-H", "Origin: https://app.test"],
    ...["--data", `csrfmiddlewaretoken=${pair.token}&email=a%40b.test&message=hello`],
    ...args,
  );
}

/** The proxy refused: no TLS handshake, connection closed without a response, or an error status. */
function assertRejected(reply: Reply, what: string): void {
  const refused = reply.exitCode !== 0 || [400, 403, 421].includes(reply.status);
  assert.ok(refused, `${what}: expected a refusal, got HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
}

test("every stack starts", (t) => {
  for (const [name, ms] of startTimes) t.diagnostic(`${name} started in ${ms} ms`);
  assert.equal(stacks.size, PROXIES.length * VARIANTS.length);
  for (const s of stacks.values()) {
    assert.deepEqual(s.scanArgs, [
      "https://app.test/",
      ...["--connect-to", `app.test:443:${s.address}:${s.httpsPort}`],
      ...["--connect-to", `app.test:80:${s.address}:${s.httpPort}`],
      ...["--cacert", s.caCertPath],
    ]);
    assert.match(s.address, /^127\.\d+\.\d+\.\d+$/);
    assert.notEqual(s.address, "127.0.0.1");
    for (const file of Object.values(s.files)) assert.ok(existsSync(file), file);
  }
});

for (const proxy of PROXIES) {
  describe(`${proxy} healthy`, () => {
    const s = (): RunningStack => stack(proxy, "healthy");

    test("serves HTTPS with one HSTS header and Secure cookies", async () => {
      const reply = await curl(s(), "https://app.test/");
      assert.equal(reply.status, 200);
      assert.deepEqual(header(reply, "strict-transport-security"), [HSTS]);
      assert.match(cookie(reply, "csrftoken") ?? "", /; Secure/);
      assert.match(cookie(reply, "sessionid") ?? "", /; Secure/);
      assert.equal(canonical(reply), "https://app.test/");
    });

    test("redirects plain HTTP with 301 to the same path and query on https://app.test", async () => {
      const reply = await curl(s(), "http://app.test/shop/items?page=2&sort=price");
      assert.equal(reply.status, 301);
      assert.deepEqual(header(reply, "location"), ["https://app.test/shop/items?page=2&sort=price"]);
    });

    test("serves /healthz over plain HTTP", async () => {
      const reply = await curl(s(), "http://app.test/healthz");
      assert.equal(reply.status, 200);
      assert.equal(reply.body, "ok");
    });

    test("rejects a foreign Host and a foreign TLS name", async () => {
      assertRejected(await curl(s(), `http://${FOREIGN_HOST}/`), "HTTP, foreign Host");
      assertRejected(
        await curl(s(), "https://app.test/", "-H", `Host: ${FOREIGN_HOST}`),
        "HTTPS, foreign Host",
      );
      assertRejected(await curl(s(), `https://${FOREIGN_HOST}/`, "--insecure"), "HTTPS, foreign SNI");
      const absolute = await curl(
        s(),
        "http://app.test/healthz",
        "--request-target",
        `http://${FOREIGN_HOST}/healthz`,
      );
      assertRejected(absolute, "absolute-form request target naming a foreign host");
    });

    test("ignores a spoofed X-Forwarded-Proto and its look-alikes", async () => {
      // Django adds HSTS only to requests it believes are secure; the proxy adds none over HTTP.
      const reply = await curl(
        s(),
        "http://app.test/healthz",
        ...["-H", "X-Forwarded-Proto: https", "-H", "X-Forwarded-Ssl: on", "-H", "X-Forwarded-Protocol: ssl"],
        ...["-H", "X_Forwarded_Proto: https", "-H", "Forwarded: proto=https"],
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(header(reply, "strict-transport-security"), []);
    });

    test("ignores a spoofed X-Forwarded-Host", async () => {
      const reply = await curl(s(), "https://app.test/", "-H", `X-Forwarded-Host: ${FOREIGN_HOST}`);
      assert.equal(reply.status, 200);
      assert.equal(canonical(reply), "https://app.test/");
    });

    test("accepts the site's own contact form POST", async () => {
      const reply = await postContact(s(), "https://app.test");
      assert.equal(reply.status, 200);
      assert.equal(reply.body, "thanks");
    });

    test("renders the admin login and its form errors", async () => {
      const page = await curl(s(), "https://app.test/admin/login/");
      assert.equal(page.status, 200);
      const pair = await csrfPair(s(), "https://app.test/admin/login/");
      const reply = await curl(
        s(),
        "https://app.test/admin/login/",
        ...["-H", `Cookie: ${pair.cookie}`, "-H", "Origin: https://app.test"],
        ...["--data", `csrfmiddlewaretoken=${pair.token}&username=&password=&next=/admin/`],
      );
      assert.equal(reply.status, 200);
      assert.match(reply.body, /class="errornote"/);
    });

    if (proxy === "nginx" || proxy === "haproxy") {
      test("gunicorn does not believe X-Forwarded-Proto from anyone but the proxy", async () => {
        const origin = s().originUrl;
        assert.match(origin, /^http:\/\/127\./);
        const reply = await curl(s(), `${origin}/`, "-H", "Host: app.test", "-H", "X-Forwarded-Proto: https");
        assert.equal(reply.status, 301);
        assert.deepEqual(header(reply, "location"), ["https://app.test/"]);
      });
    } else {
      test("gunicorn listens on a unix socket only", () => {
        assert.equal(s().originUrl, "");
      });
    }
  });

  describe(`${proxy} passthrough`, () => {
    const s = (): RunningStack => stack(proxy, "passthrough");

    test("serves plain HTTP without HSTS or Secure cookies", async () => {
      const reply = await curl(s(), "http://app.test/");
      assert.equal(reply.status, 200);
      assert.deepEqual(header(reply, "strict-transport-security"), []);
      assert.doesNotMatch(cookie(reply, "csrftoken") ?? "missing; Secure", /; Secure/);
      assert.doesNotMatch(cookie(reply, "sessionid") ?? "missing; Secure", /; Secure/);
      assert.equal(canonical(reply), "http://app.test/");
    });

    test("believes a client's X-Forwarded-Proto over plain HTTP", async () => {
      const reply = await curl(s(), "http://app.test/", "-H", "X-Forwarded-Proto: https");
      assert.equal(reply.status, 200);
      assert.equal(canonical(reply), "https://app.test/");
    });

    test("lets a client's X-Forwarded-Proto decide the CSRF Origin check", async () => {
      assert.equal((await postContact(s(), "http://app.test")).status, 403);
      const spoofed = await postContact(s(), "http://app.test", "-H", "X-Forwarded-Proto: https");
      assert.equal(spoofed.status, 200);
      assert.equal(spoofed.body, "thanks");
    });

    test("proxies any Host", async () => {
      const reply = await curl(s(), `http://${FOREIGN_HOST}/`);
      assert.equal(reply.status, 200);
      assert.equal(canonical(reply), `http://${FOREIGN_HOST}/`);
    });

    test("lets a client's X-Forwarded-Host change the response", async () => {
      const reply = await curl(s(), "https://app.test/", "-H", `X-Forwarded-Host: ${FOREIGN_HOST}`);
      if (proxy === "apache") {
        // mod_proxy appends the real host: Django gets "evil.test, app.test" and refuses it.
        assert.equal(reply.status, 400);
      } else {
        assert.equal(reply.status, 200);
        assert.match(canonical(reply) ?? "", /^https?:\/\/evil\.test\/$/);
      }
    });

    test("gunicorn is reachable directly and believes X-Forwarded-Proto", async () => {
      const reply = await curl(
        s(),
        `${s().originUrl}/`,
        "-H",
        "Host: app.test",
        "-H",
        "X-Forwarded-Proto: https",
      );
      assert.equal(reply.status, 200);
      assert.equal(canonical(reply), "https://app.test/");
    });
  });

  describe(`${proxy} loop`, () => {
    const s = (): RunningStack => stack(proxy, "loop");

    test("redirects every HTTPS request to itself", async () => {
      for (const url of ["https://app.test/", "https://app.test/?page=2"]) {
        const reply = await curl(s(), url);
        assert.equal(reply.status, 301);
        assert.deepEqual(header(reply, "location"), [url]);
      }
    });

    test("a client's X-Forwarded-Proto is stripped and cannot end the loop", async () => {
      const reply = await curl(s(), "https://app.test/", "-H", "X-Forwarded-Proto: https");
      assert.equal(reply.status, 301);
      assert.deepEqual(header(reply, "location"), ["https://app.test/"]);
    });

    test("redirects plain HTTP at the proxy, before Django", async () => {
      const reply = await curl(s(), "http://app.test/shop/?page=2");
      assert.equal(reply.status, 301);
      assert.deepEqual(header(reply, "location"), ["https://app.test/shop/?page=2"]);
      // Django's SecurityMiddleware would have added this header.
      assert.deepEqual(header(reply, "cross-origin-opener-policy"), []);
    });

    test("keeps the health check green", async () => {
      assert.equal((await curl(s(), "https://app.test/healthz")).status, 200);
    });
  });

  describe(`${proxy} hostrewrite`, () => {
    const s = (): RunningStack => stack(proxy, "hostrewrite");
    const upstreamHost = (): string => s().originUrl.replace(/^http:\/\//, "");

    test("Django sees the upstream address as its host", async () => {
      const reply = await curl(s(), "https://app.test/");
      assert.equal(reply.status, 200);
      assert.equal(canonical(reply), `https://${upstreamHost()}/`);
    });

    test("Django redirects plain HTTP, /healthz included, to the upstream address", async () => {
      const reply = await curl(s(), "http://app.test/healthz");
      assert.equal(reply.status, 301);
      assert.deepEqual(header(reply, "location"), [`https://${upstreamHost()}/healthz`]);
    });

    test("the site's own contact form POST fails the CSRF Origin check", async () => {
      const reply = await postContact(s(), "https://app.test");
      assert.equal(reply.status, 403);
    });
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("stop()", () => {
  test("kills the processes, frees the ports, removes workDir and can be called again", async () => {
    const s = stack("nginx", "healthy");
    await s.stop();
    assert.equal(existsSync(s.workDir), false);
    const origin = new URL(s.originUrl);
    assert.equal(await accepts(s.address, s.httpsPort), false, "the proxy still accepts connections");
    assert.equal(
      await accepts(origin.hostname, Number(origin.port)),
      false,
      "gunicorn still accepts connections",
    );
    await s.stop();
  });
});
