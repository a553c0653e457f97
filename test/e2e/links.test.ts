/**
 * The links between load balancer, proxy and app, against real servers: PROXY protocol listeners
 * on nginx (listen ... proxy_protocol) and HAProxy (bind ... accept-proxy), each configured to believe
 * only the load balancer or anyone.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { request } from "node:https";
import { connect as connectTcp } from "node:net";
import { connect as connectTls } from "node:tls";
import { after, before, describe, test } from "node:test";
import {
  startMtlsStack,
  startProxyProtocolStack,
  type MtlsStack,
  type ProxyProtocolStack,
} from "../../stacks/links.js";
import { DEFAULT_PROBE_PATH, PROBE_TOKEN_HEADER } from "../../src/scan/probe-answer.js";
import { relayedTcpHeader, writeProxyHeader } from "../../src/transport/proxy-protocol.js";
import { runCli, type JsonCheck } from "./run-cli.js";

const CLIENT = "203.0.113.9";

/** What Django saw of a request relayed the way a load balancer does: from its address, after a PROXY header. */
async function relayAsLoadBalancer(
  stack: ProxyProtocolStack,
  version: 1 | 2,
): Promise<Record<string, unknown>> {
  const ca = await readFile(stack.caCertPath, "utf8");
  const header = writeProxyHeader(
    relayedTcpHeader(
      version,
      { address: CLIENT, port: 50_000 },
      { address: stack.address, port: stack.proxyProtocolPort },
    ),
  );
  return new Promise((resolve, reject) => {
    const req = request(
      {
        path: DEFAULT_PROBE_PATH,
        headers: { Host: stack.siteHost, [PROBE_TOKEN_HEADER]: stack.probeToken },
        createConnection: () => {
          const socket = connectTcp({
            host: stack.address,
            port: stack.proxyProtocolPort,
            localAddress: stack.loadBalancerAddress,
          });
          socket.write(header);
          return connectTls({ socket, servername: stack.siteHost, ca, ALPNProtocols: ["http/1.1"] });
        },
      },
      (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(JSON.parse(body))
            : reject(new Error(`${res.statusCode}: ${body}`)),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function scanProxyProtocol(
  stack: ProxyProtocolStack,
  extra: string[] = [],
): Promise<Map<string, JsonCheck>> {
  const port = stack.proxyProtocolPort;
  const result = await runCli([
    "scan",
    ...stack.scanArgs,
    "--connect-to",
    `${stack.siteHost}:${port}:${stack.address}:${port}`,
    "--proxy-protocol-port",
    String(port),
    "--format",
    "json",
    ...extra,
  ]);
  assert.ok(result.stdout, result.stderr);
  const report = JSON.parse(result.stdout) as { checks: JsonCheck[] };
  return new Map(report.checks.map((c) => [c.id, c]));
}

for (const proxy of ["nginx", "haproxy"] as const) {
  describe(`PROXY protocol on ${proxy}`, () => {
    let trusting: ProxyProtocolStack;
    let open: ProxyProtocolStack;
    before(async () => {
      [trusting, open] = await Promise.all([
        startProxyProtocolStack(proxy, "load-balancer"),
        startProxyProtocolStack(proxy, "anyone"),
      ]);
    });
    after(() => Promise.all([trusting?.stop(), open?.stop()]));

    test("the load balancer's v1 and v2 headers (our writer) name the client Django sees", async () => {
      for (const version of [1, 2] as const) {
        const seen = await relayAsLoadBalancer(trusting, version);
        assert.equal((seen.headers as Record<string, string>).HTTP_X_FORWARDED_FOR, CLIENT, `v${version}`);
      }
    });

    test("believing only the load balancer: a plain connection and the scanner's forged headers change nothing", async () => {
      const check = (await scanProxyProtocol(trusting, ["--probe-token", trusting.probeToken])).get(
        "client-ip-proxy-protocol",
      );
      assert.equal(check?.status, "pass", check?.summary);
      assert.match(check!.summary, /without a PROXY header \S+ refused/);
      assert.match(
        check!.summary,
        /PROXY v2 from this scanner: (refused|accepted, but Django never saw 198\.51\.100\.23)/,
      );
      assert.match(check!.summary, /https:\/\/app\.test refused a PROXY v1 header/);
    });

    test("believing anyone: the scanner's forged header becomes the client address", async () => {
      const check = (await scanProxyProtocol(open, ["--probe-token", open.probeToken])).get(
        "client-ip-proxy-protocol",
      );
      assert.equal(check?.status, "fail", check?.summary);
      assert.match(
        check!.summary,
        /a PROXY v1 header from this scanner: X_FORWARDED_FOR reached Django as '198\.51\.100\.23'/,
      );
      assert.match(check!.summary, /a PROXY v2 header from this scanner/);
    });

    test("believing anyone, without the probe: only a warning that the header was taken", async () => {
      const check = (await scanProxyProtocol(open)).get("client-ip-proxy-protocol");
      assert.equal(check?.status, "warn", check?.summary);
      assert.match(check!.summary, /accepted a PROXY v1 header from this scanner claiming 198\.51\.100\.23/);
    });
  });
}

test("--proxy-protocol-port that is not a port is a usage error", async () => {
  const result = await runCli(["scan", "https://app.test/", "--proxy-protocol-port", "ftp:21"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--proxy-protocol-port 'ftp:21': expected a port/);
});

describe("mutual TLS between nginx and an nginx origin", () => {
  let strict: MtlsStack;
  let optional: MtlsStack;
  before(async () => {
    [strict, optional] = await Promise.all([startMtlsStack("on"), startMtlsStack("optional")]);
  });
  after(() => Promise.all([strict?.stop(), optional?.stop()]));

  async function scanOrigin(stack: MtlsStack, id = "origin-exposure-mtls"): Promise<JsonCheck | undefined> {
    const origin = new URL(stack.originHttpsUrl);
    const result = await runCli([
      "scan",
      ...stack.scanArgs,
      "--connect-to",
      `${origin.hostname}:${origin.port}:${stack.address}:${origin.port}`,
      "--origin",
      origin.href,
      "--client-cert",
      stack.proxyClientCert,
      "--client-key",
      stack.proxyClientKey,
      "--format",
      "json",
    ]);
    assert.ok(result.stdout, result.stderr);
    const report = JSON.parse(result.stdout) as { checks: JsonCheck[] };
    return report.checks.find((c) => c.id === id);
  }

  test("origin-exposure counts an origin that refuses clients without a certificate as closed to strangers", async () => {
    const check = await scanOrigin(strict, "origin-exposure");
    assert.equal(check?.status, "pass", check?.summary);
    assert.match(
      check!.summary,
      /refuses clients without a TLS client certificate \(400\): strangers cannot reach it/,
    );
    const open = await scanOrigin(optional, "origin-exposure");
    assert.doesNotMatch(open!.summary, /refuses clients without/);
  });

  test("ssl_verify_client on: only the proxy's certificate opens the origin", async () => {
    const check = await scanOrigin(strict);
    assert.equal(check?.status, "pass", check?.summary);
    assert.match(
      check!.summary,
      /answers the proxy's client certificate \(200\) and refuses a client without a certificate \(400\)/,
    );
    assert.match(
      check!.summary,
      /self-signed certificate \(another CA\) \((400|TLS handshake failed[^)]*)\)/,
    );
  });

  test("ssl_verify_client optional: a client without a certificate is served", async () => {
    const check = await scanOrigin(optional);
    assert.equal(check?.status, "fail", check?.summary);
    assert.match(check!.summary, /served a client without a certificate \(200\)/);
    assert.doesNotMatch(
      check!.summary,
      /self-signed/,
      "a certificate from another CA still fails verification",
    );
  });

  test("--client-cert without --client-key, or without an https origin, is a usage error", async () => {
    const lone = await runCli(["scan", "https://app.test/", "--client-cert", strict.proxyClientCert]);
    assert.equal(lone.code, 2);
    assert.match(lone.stderr, /--client-cert and --client-key go together/);
    const plain = await runCli([
      "scan",
      "https://app.test/",
      "--origin",
      "http://127.0.0.1:8000/",
      "--client-cert",
      strict.proxyClientCert,
      "--client-key",
      strict.proxyClientKey,
    ]);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /needs an https:\/\/ --origin/);
  });
});
