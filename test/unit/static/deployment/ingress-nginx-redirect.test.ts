import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { applyRules } from "../../../../src/static/audit.js";
import { loadKubernetesManifests } from "../../../../src/static/kubernetes/model.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";

/** The Helm chart's controller ConfigMap with these data keys. */
const controllerConfigMap = (data: Record<string, string>) =>
  [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: ingress-nginx-controller",
    "  namespace: ingress-nginx",
    "data:",
    ...Object.entries(data).map(([key, value]) => `  ${key}: "${value}"`),
  ].join("\n");

/** The tls entries of the web Ingress unless a test gives others: its host's secret. */
const WEB_TLS = ["    - hosts: [app.example.com]", "      secretName: web-tls"];

/** An Ingress (by default web: app.example.com with TLS) with these nginx.ingress.kubernetes.io/ annotations. */
const webIngress = (
  annotations: Record<string, string>,
  { name = "web", host = "app.example.com", path = "/", tls = WEB_TLS } = {},
) =>
  [
    "apiVersion: networking.k8s.io/v1",
    "kind: Ingress",
    "metadata:",
    `  name: ${name}`,
    "  namespace: shop",
    ...(Object.keys(annotations).length ? ["  annotations:"] : []),
    ...Object.entries(annotations).map(
      ([key, value]) => `    nginx.ingress.kubernetes.io/${key}: "${value}"`,
    ),
    "spec:",
    "  ingressClassName: nginx",
    ...(tls.length ? ["  tls:", ...tls] : []),
    "  rules:",
    `    - host: ${host}`,
    "      http:",
    "        paths:",
    `          - path: ${path}`,
    "            pathType: Prefix",
    "            backend:",
    "              service:",
    "                name: web",
    "                port:",
    "                  number: 8000",
  ].join("\n");

/** The ingress-nginx-ssl-redirect-off findings for these manifest documents, as "status: message". */
function sslRedirectFindings(...documents: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-redirect-"));
  try {
    const manifest = join(dir, "manifests.yaml");
    writeFileSync(manifest, documents.join("\n---\n"));
    const objects = loadKubernetesManifests([manifest]);
    assert.deepEqual(objects.errors, []);
    return applyRules({ kubernetes: objects }, ALL_RULES)
      .filter((check) => check.id === "ingress-nginx-ssl-redirect-off")
      .map((check) => `${check.status}: ${check.summary}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("ingress-nginx ssl-redirect and force-ssl-redirect", () => {
  test("each annotation falls back to its own ConfigMap key: every combination is judged as the controller redirects", () => {
    const cases: [Record<string, string>, Record<string, string>, boolean][] = [
      [{}, {}, false],
      [{}, { "ssl-redirect": "false" }, true],
      [{ "ssl-redirect": "false" }, {}, true],
      [{ "ssl-redirect": "false" }, { "ssl-redirect": "true" }, false],
      [{ "ssl-redirect": "false" }, { "force-ssl-redirect": "true" }, false],
      [{ "ssl-redirect": "false", "force-ssl-redirect": "true" }, {}, false],
      // The Ingress's force "false" replaces the ConfigMap's force; ssl-redirect stays the ConfigMap's "false".
      [{ "ssl-redirect": "false", "force-ssl-redirect": "true" }, { "force-ssl-redirect": "false" }, true],
      // The Ingress's ssl-redirect "false" leaves the ConfigMap's force in place.
      [{ "force-ssl-redirect": "true" }, { "ssl-redirect": "false" }, false],
      // Go's ParseBool: "0" is false; "no" is not a boolean, so the ConfigMap's value applies.
      [{ "ssl-redirect": "0" }, {}, true],
      [{ "ssl-redirect": "false" }, { "ssl-redirect": "no" }, true],
    ];
    for (const [data, annotations, fails] of cases)
      assert.equal(
        sslRedirectFindings(controllerConfigMap(data), webIngress(annotations)).length,
        fails ? 1 : 0,
        `ConfigMap ${JSON.stringify(data)}, annotations ${JSON.stringify(annotations)}`,
      );
  });

  test("the finding names the ConfigMap's ssl-redirect and the annotation that dropped its force", () => {
    assert.deepEqual(
      sslRedirectFindings(
        controllerConfigMap({ "ssl-redirect": "false", "force-ssl-redirect": "true" }),
        webIngress({ "force-ssl-redirect": "false" }),
      ),
      [
        'fail: Ingress web (app.example.com) has TLS but ssl-redirect is "false" in the controller ConfigMap, and its force-ssl-redirect annotation is "false": plain HTTP reaches the app',
      ],
    );
  });

  test("a tls entry without hosts, or listing other hosts, still gives the rule hosts a certificate", () => {
    const offFor = (tls: string[]) =>
      sslRedirectFindings(controllerConfigMap({}), webIngress({ "ssl-redirect": "false" }, { tls }));
    assert.deepEqual(offFor(["    - secretName: wildcard-example-com-tls"]), [
      'fail: Ingress web (app.example.com) has TLS but ssl-redirect is "false": plain HTTP reaches the app',
    ]);
    assert.equal(offFor(["    - hosts: [www.example.com]", "      secretName: www-tls"]).length, 1);
    // No tls section: nothing to redirect to, so ssl-redirect changes nothing.
    assert.deepEqual(offFor([]), []);
  });

  test("another Ingress's tls section for the same host covers this one's paths", () => {
    const api = webIngress({ "ssl-redirect": "false" }, { name: "api", path: "/api/", tls: [] });
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({}), webIngress({}), api), [
      'fail: Ingress api (app.example.com) has TLS but ssl-redirect is "false": plain HTTP reaches the app',
    ]);
    const elsewhere = webIngress(
      { "ssl-redirect": "false" },
      { name: "api", host: "api.example.com", tls: [] },
    );
    assert.deepEqual(sslRedirectFindings(controllerConfigMap({}), webIngress({}), elsewhere), []);
  });
});
