/** Manifests for the ingress-nginx rule tests: the Helm chart's controller ConfigMap and a Django app's Ingress. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyRules } from "../../../../src/static/audit.js";
import { loadKubernetesManifests } from "../../../../src/static/kubernetes/model.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";

/** A YAML double-quoted string: JSON's escapes are YAML's, so quotes, $ and newlines survive. */
const quoted = (value: string) => JSON.stringify(value);

/** The Helm chart's controller ConfigMap with these data keys. */
export const controllerConfigMap = (data: Record<string, string>) =>
  [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: ingress-nginx-controller",
    "  namespace: ingress-nginx",
    "data:",
    ...Object.entries(data).map(([key, value]) => `  ${key}: ${quoted(value)}`),
  ].join("\n");

/** The tls entries of the web Ingress unless a test gives others: its host's secret. */
const WEB_TLS = ["    - hosts: [app.example.com]", "      secretName: web-tls"];

/**
 * An Ingress (by default web: app.example.com with TLS) with these nginx.ingress.kubernetes.io/ annotations;
 * host "" writes a rule without host.
 */
export const webIngress = (
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
      ([key, value]) => `    nginx.ingress.kubernetes.io/${key}: ${quoted(value)}`,
    ),
    "spec:",
    "  ingressClassName: nginx",
    ...(tls.length ? ["  tls:", ...tls] : []),
    "  rules:",
    ...(host ? [`    - host: ${host}`, "      http:"] : ["    - http:"]),
    "        paths:",
    `          - path: ${path}`,
    "            pathType: Prefix",
    "            backend:",
    "              service:",
    "                name: web",
    "                port:",
    "                  number: 8000",
  ].join("\n");

/** One rule's findings for these manifest documents (read as one file), as "status: message". */
export function ruleFindings(ruleId: string, ...documents: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "proxytrust-ingress-nginx-"));
  try {
    const manifest = join(dir, "manifests.yaml");
    writeFileSync(manifest, documents.join("\n---\n"));
    const objects = loadKubernetesManifests([manifest]);
    assert.deepEqual(objects.errors, []);
    return applyRules({ kubernetes: objects }, ALL_RULES)
      .filter((check) => check.id === ruleId)
      .map((check) => `${check.status}: ${check.summary}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
