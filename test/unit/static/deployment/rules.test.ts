import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { applyRules } from "../../../../src/static/audit.js";
import { loadComposeFile } from "../../../../src/static/compose/model.js";
import { loadKubernetesManifests } from "../../../../src/static/kubernetes/model.js";
import { djangoSettingsFromSource } from "../../../../src/static/python/load-settings.js";
import type { AuditInput } from "../../../../src/static/rule.js";
import { ALL_RULES } from "../../../../src/static/rules/index.js";
import { traefikFromCompose, traefikFromKubernetes } from "../../../../src/static/traefik/providers.js";

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

function kubernetes(...names: string[]): AuditInput {
  const objects = loadKubernetesManifests(names.map(fixture));
  assert.deepEqual(objects.errors, []);
  return { kubernetes: objects, traefik: traefikFromKubernetes(objects) };
}

function compose(name: string): AuditInput {
  const project = loadComposeFile(fixture(name));
  assert.deepEqual(project.errors, []);
  return { compose: [project], traefik: traefikFromCompose(project) };
}

/** Rule id → statuses, for the rules that reported anything. */
function verdicts(input: AuditInput): Map<string, string[]> {
  const results = new Map<string, string[]>();
  for (const check of applyRules(input, ALL_RULES))
    results.set(check.id, [...(results.get(check.id) ?? []), check.status]);
  return results;
}

describe("ingress-nginx ConfigMap and annotations", () => {
  const open = verdicts(kubernetes("ingress-nginx-controller-open.yaml", "shop-app-exposed.yaml"));
  const safe = verdicts(kubernetes("ingress-nginx-controller-safe.yaml", "shop-app-private.yaml"));

  test("use-forwarded-headers without a narrow proxy-real-ip-cidr fails; off passes", () => {
    assert.deepEqual(open.get("ingress-nginx-forwarded-headers-trusted"), ["fail"]);
    assert.equal(safe.has("ingress-nginx-forwarded-headers-trusted"), false);
  });

  test("the real client address is taken from anyone when proxy-real-ip-cidr is the default", () => {
    assert.deepEqual(open.get("ingress-nginx-real-ip-cidr-open"), ["fail"]);
    // enable-real-ip with the load balancer's range only
    assert.equal(safe.has("ingress-nginx-real-ip-cidr-open"), false);
  });

  test("a snippet copying a client header into X-Forwarded-* fails (ConfigMap and annotation); an unrelated snippet passes", () => {
    assert.deepEqual(open.get("ingress-nginx-snippet-client-header"), ["fail", "fail"]);
    assert.equal(safe.has("ingress-nginx-snippet-client-header"), false);
  });

  test("a snippet's copy is found however nginx lets it be written: braces, quotes, a set variable, headers-more", () => {
    const snippets: [string, boolean][] = [
      ["proxy_set_header X-Forwarded-Proto ${http_x_forwarded_proto};", true],
      ['proxy_set_header X-Forwarded-Host "${http_x_forwarded_host}";', true],
      ["set $proto $http_x_forwarded_proto;\nproxy_set_header X-Forwarded-Proto $proto;", true],
      ['more_set_input_headers "Host: $http_x_original_host";', true],
      ["proxy_set_header X-Forwarded-Proto $scheme;", false],
      ['more_set_input_headers "X-Request-Start: t=${msec}";', false],
    ];
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-snippets-"));
    try {
      const manifest = join(dir, "ingress.yaml");
      writeFileSync(
        manifest,
        snippets
          .map(([snippet], i) =>
            [
              "apiVersion: networking.k8s.io/v1",
              "kind: Ingress",
              "metadata:",
              `  name: shop-${i}`,
              "  annotations:",
              "    nginx.ingress.kubernetes.io/configuration-snippet: |",
              ...snippet.split("\n").map((line) => `      ${line}`),
              "spec:",
              "  ingressClassName: nginx",
              "  rules:",
              `    - host: shop-${i}.example.com`,
            ].join("\n"),
          )
          .join("\n---\n"),
      );
      const found = applyRules({ kubernetes: loadKubernetesManifests([manifest]) }, ALL_RULES)
        .filter((c) => c.id === "ingress-nginx-snippet-client-header")
        .map((c) => /Ingress (shop-\d+)/.exec(c.summary)?.[1]);
      assert.deepEqual(
        found,
        snippets.flatMap(([, copies], i) => (copies ? [`shop-${i}`] : [])),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("upstream-vhost replaces the Host Django sees", () => {
    assert.deepEqual(open.get("ingress-nginx-upstream-vhost"), ["fail"]);
    assert.equal(safe.has("ingress-nginx-upstream-vhost"), false);
  });

  test("ssl-redirect off on a TLS Ingress fails; force-ssl-redirect passes", () => {
    assert.deepEqual(open.get("ingress-nginx-ssl-redirect-off"), ["fail"]);
    assert.equal(safe.has("ingress-nginx-ssl-redirect-off"), false);
  });

  test("hsts off warns; a one-year max-age with subdomains passes", () => {
    assert.deepEqual(open.get("ingress-nginx-hsts-weak"), ["warn"]);
    assert.equal(safe.has("ingress-nginx-hsts-weak"), false);
  });

  test("hsts off still warns with Django's HSTS settings: how the ingress tells Django the scheme is not read", () => {
    const settings = djangoSettingsFromSource(
      'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]\nSECURE_HSTS_SECONDS = 31536000\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n',
    );
    const withSettings = verdicts({
      ...kubernetes("ingress-nginx-controller-open.yaml", "shop-app-exposed.yaml"),
      settings,
    });
    assert.deepEqual(withSettings.get("ingress-nginx-hsts-weak"), ["warn"]);
  });

  test("Helm values: controller.config is read as the controller ConfigMap", () => {
    const values = verdicts(kubernetes("values-ingress-nginx.yaml"));
    assert.deepEqual(values.get("ingress-nginx-forwarded-headers-trusted"), ["fail"]);
    assert.deepEqual(values.get("ingress-nginx-real-ip-cidr-open"), ["fail"]);
  });

  test("findings point at the key's line in the manifest", () => {
    const input = kubernetes("ingress-nginx-controller-open.yaml");
    const finding = applyRules(input, ALL_RULES).find(
      (c) => c.id === "ingress-nginx-forwarded-headers-trusted",
    );
    assert.equal(finding?.location?.line, 12);
  });
});

/** The binds compose-host-network reports for a web service (these lines) on the host's network beside nginx. */
function hostNetworkBinds(file: string, web: string[]): (string | undefined)[] {
  const service = ["services:", "  nginx:", "    image: nginx:1.27", "    network_mode: host", "  web:"];
  writeFileSync(
    file,
    [...service, "    network_mode: host", ...web.map((line) => `    ${line}`), ""].join("\n"),
  );
  return applyRules({ compose: [loadComposeFile(file)] }, ALL_RULES)
    .filter((c) => c.id === "compose-host-network")
    .map((c) => /binds (\S+),/.exec(c.summary)?.[1]);
}

describe("origin exposure from Service types and published ports", () => {
  test("a LoadBalancer Service on the Django pods an Ingress fronts fails; ClusterIP passes, and a NodePort on other pods is not theirs", () => {
    assert.deepEqual(verdicts(kubernetes("shop-app-exposed.yaml")).get("kubernetes-service-exposed"), [
      "fail",
    ]);
    assert.equal(verdicts(kubernetes("shop-app-private.yaml")).has("kubernetes-service-exposed"), false);
  });

  test("a Compose app port published on every interface beside a proxy service fails; loopback passes", () => {
    assert.deepEqual(verdicts(compose("compose-traefik-labels-open.yml")).get("compose-port-published"), [
      "fail",
    ]);
    assert.equal(verdicts(compose("compose-traefik-labels-safe.yml")).has("compose-port-published"), false);
  });

  test("a Django service on the host's network whose app server binds every interface fails, at its network_mode line", () => {
    const project = loadComposeFile(fixture("compose-host-network-open.yml"));
    const findings = applyRules({ compose: [project] }, ALL_RULES).filter(
      (c) => c.id === "compose-host-network",
    );
    assert.deepEqual(
      findings.map((f) => [f.status, f.location?.line, /binds (\S+),/.exec(f.summary)?.[1]]),
      [
        ["fail", 10, "0.0.0.0:8000"],
        ["fail", 16, "0.0.0.0:8001"],
        ["fail", 22, "0.0.0.0:8002"],
      ],
    );
    assert.match(findings[0]!.summary, /service web .* gunicorn binds .* skipping nginx \(nginx\)/);
  });

  test("host networking: a port written as ${PORT:-8000}, or PORT set by interpolation, still binds every interface", () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-port-"));
    try {
      const file = join(dir, "compose.yaml");
      const judged = (command: string, environment: string[]) =>
        hostNetworkBinds(file, [
          "image: shop:latest",
          `command: ${command}`,
          "environment:",
          "  - DJANGO_SETTINGS_MODULE=shop.settings",
          ...environment.map((line) => `  - ${line}`),
        ]);
      assert.deepEqual(judged("gunicorn shop.wsgi --bind 0.0.0.0:${PORT:-8000}", []), [
        "0.0.0.0:${PORT:-8000}",
      ]);
      assert.deepEqual(judged("uvicorn shop.asgi:application --host 0.0.0.0 --port ${PORT:-8000}", []), [
        "0.0.0.0:${PORT:-8000}",
      ]);
      assert.deepEqual(judged("gunicorn shop.wsgi", ["PORT=${PORT:-8000}"]), ["0.0.0.0:${PORT:-8000}"]);
      // Passed through from where Compose runs, PORT may be unset there: gunicorn's default stands.
      assert.deepEqual(judged("gunicorn shop.wsgi", ["PORT"]), []);
      // gunicorn refuses to start with an empty $PORT: it listens nowhere.
      assert.deepEqual(judged("gunicorn shop.wsgi", ["PORT="]), []);
      // Servers read only for where they listen.
      assert.deepEqual(judged("python manage.py runserver 0:8000", []), ["0.0.0.0:8000"]);
      assert.deepEqual(judged("python manage.py runserver --noreload 8000", []), []);
      assert.deepEqual(judged("hypercorn --bind 0.0.0.0:8000 shop.asgi:application", []), ["0.0.0.0:8000"]);
      assert.deepEqual(judged("python -m hypercorn shop.asgi:application", []), []);
      assert.deepEqual(judged("python manage.py runserver 0.0.0.0:${PORT:-8000}", []), [
        "0.0.0.0:${PORT:-8000}",
      ]);
      assert.deepEqual(judged("python -m django runserver 0:8000", []), ["0.0.0.0:8000"]);
      assert.deepEqual(
        judged("hypercorn --insecure-bind 0.0.0.0:8080 --bind 127.0.0.1:8443 shop.asgi:application", []),
        ["0.0.0.0:8080"],
      );
      // A config file not at hand may bind anywhere: nothing is claimed.
      assert.deepEqual(judged("hypercorn -c hypercorn.toml shop.asgi:application", []), []);
      // Exported by the shell that starts gunicorn.
      assert.deepEqual(judged(`sh -c "export PORT=8000 && exec gunicorn shop.wsgi"`, []), ["0.0.0.0:8000"]);
      // Set, then exported: the same environment. Set but never exported: gunicorn does not see it.
      assert.deepEqual(judged(`sh -c "PORT=8000; export PORT; exec gunicorn shop.wsgi"`, []), [
        "0.0.0.0:8000",
      ]);
      assert.deepEqual(judged(`sh -c "PORT=8000; exec gunicorn shop.wsgi"`, []), []);
      // The shell itself expands its own variable in the command line.
      assert.deepEqual(judged(`sh -c 'HOST=0.0.0.0; exec gunicorn -b $HOST:8000 shop.wsgi'`, []), [
        "0.0.0.0:8000",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("host networking: the service's command and environment combine with its Dockerfile's as Docker does", () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-dockerfile-"));
    try {
      writeFileSync(
        join(dir, "Dockerfile.entry"),
        'FROM python:3.12-slim\nENTRYPOINT ["gunicorn", "shop.wsgi"]\n',
      );
      writeFileSync(
        join(dir, "Dockerfile.port"),
        "FROM python:3.12-slim\nENV PORT=8000\nCMD gunicorn shop.wsgi\n",
      );
      const judged = (dockerfile: string, service: string[]) =>
        hostNetworkBinds(join(dir, "compose.yaml"), [
          "build:",
          "  context: .",
          `  dockerfile: ${dockerfile}`,
          ...service,
        ]);
      // The image's ENTRYPOINT runs with the service's command as its arguments.
      assert.deepEqual(judged("Dockerfile.entry", ['command: ["-b", "0.0.0.0:8000"]']), ["0.0.0.0:8000"]);
      // The image's ENV PORT reaches the service's own command.
      assert.deepEqual(judged("Dockerfile.port", ["command: gunicorn shop.wsgi --workers 3"]), [
        "0.0.0.0:8000",
      ]);
      // An entrypoint of the service's own drops the image's CMD.
      assert.deepEqual(
        judged("Dockerfile.port", ['entrypoint: ["gunicorn", "-b", "127.0.0.1:9000", "shop.wsgi"]']),
        [],
      );
      // gunicorn reads ./gunicorn.conf.py without being told, and a bind there wins over $PORT's default.
      writeFileSync(join(dir, "gunicorn.conf.py"), 'bind = "127.0.0.1:8000"\n');
      assert.deepEqual(judged("Dockerfile.port", []), []);
      // One that leaves bind out, in every branch or in one, leaves $PORT's default standing.
      writeFileSync(join(dir, "gunicorn.conf.py"), "workers = 4\n");
      assert.deepEqual(judged("Dockerfile.port", []), ["0.0.0.0:8000"]);
      writeFileSync(
        join(dir, "gunicorn.conf.py"),
        'import os\nif os.environ.get("DEV"):\n    bind = "127.0.0.1:8000"\n',
      );
      assert.deepEqual(judged("Dockerfile.port", []), ["0.0.0.0:8000"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("settings shared through a YAML merge key count as the service's own", () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-merge-"));
    try {
      const file = join(dir, "compose.yaml");
      writeFileSync(
        file,
        [
          "x-app: &app",
          "  image: shop:latest",
          "  command: gunicorn shop.wsgi --bind 0.0.0.0:8000",
          "  ports:",
          '    - "8000:8000"',
          "services:",
          "  nginx:",
          "    image: nginx:1.27",
          "  web:",
          "    <<: *app",
          "",
        ].join("\n"),
      );
      assert.deepEqual(verdicts({ compose: [loadComposeFile(file)] }).get("compose-port-published"), [
        "fail",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an anchor reused by every service of a large project is read, not taken for an alias bomb", () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-aliases-"));
    try {
      const file = join(dir, "compose.yaml");
      const services = Array.from({ length: 150 }, (_, i) => [
        `  worker${i}:`,
        "    image: shop:latest",
        "    logging: *log",
      ]);
      writeFileSync(
        file,
        ["x-log: &log", "  driver: json-file", "services:", ...services.flat(), ""].join("\n"),
      );
      assert.equal(loadComposeFile(file).services.length, 150);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("host networking with app servers on loopback, a unix socket or gunicorn's default bind passes", () => {
    assert.equal(verdicts(compose("compose-host-network-safe.yml")).has("compose-host-network"), false);
  });

  test("host networking is judged by the bind: $PORT moves gunicorn's default to every interface; no proxy service, no finding", () => {
    const dir = mkdtempSync(join(tmpdir(), "proxytrust-host-network-"));
    try {
      const file = join(dir, "compose.yaml");
      const write = (withProxy: boolean) =>
        writeFileSync(
          file,
          [
            "services:",
            ...(withProxy ? ["  caddy:", "    image: caddy:2", "    network_mode: host"] : []),
            "  web:",
            "    image: shop:latest",
            "    network_mode: host",
            "    command: gunicorn shop.wsgi",
            "    environment:",
            "      - DJANGO_SETTINGS_MODULE=shop.settings",
            "      - PORT=8080",
            "",
          ].join("\n"),
        );
      write(true);
      const found = applyRules({ compose: [loadComposeFile(file)] }, ALL_RULES).filter(
        (c) => c.id === "compose-host-network",
      );
      assert.deepEqual(
        found.map((f) => /binds (\S+),/.exec(f.summary)?.[1]),
        ["0.0.0.0:8080"],
      );
      write(false);
      assert.equal(verdicts({ compose: [loadComposeFile(file)] }).has("compose-host-network"), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Traefik from Docker labels, flags and CRDs (the Traefik rules, reused)", () => {
  test("a labelled router without Host() and an entry point trusting every X-Forwarded-* fail", () => {
    const open = verdicts(compose("compose-traefik-labels-open.yml"));
    assert.deepEqual(open.get("traefik-router-without-host"), ["fail"]);
    assert.deepEqual(open.get("traefik-forwarded-headers-trusted"), ["fail"]);
    // Without the settings nothing shows that Django redirects plain HTTP either: a warning, not a failure.
    assert.deepEqual(open.get("traefik-plain-http-served"), ["warn"]);
  });

  test("Host() labels, a redirect and TLS on websecure, and an HSTS middleware pass", () => {
    const safe = verdicts(compose("compose-traefik-labels-safe.yml"));
    for (const id of [
      "traefik-router-without-host",
      "traefik-forwarded-headers-trusted",
      "traefik-plain-http-served",
      "traefik-hsts-missing",
      "traefik-hsts-weak",
    ])
      assert.equal(safe.has(id), false, id);
  });

  test("HSTS from labels or a Middleware CRD under six months fails, as every proxy's does", () => {
    const labels = verdicts(compose("compose-traefik-labels-hsts-short.yml"));
    assert.deepEqual(labels.get("traefik-hsts-weak"), ["fail"]);
    // The header is sent: how weak it is, is the one finding.
    assert.equal(labels.has("traefik-hsts-missing"), false);
    // 180 days, a common choice, is just under Mozilla Observatory's six months (15768000 s).
    const crd = verdicts(kubernetes("traefik-ingressroute-hsts-180-days.yaml"));
    assert.deepEqual(crd.get("traefik-hsts-weak"), ["fail"]);
    assert.equal(verdicts(kubernetes("traefik-ingressroute-host.yaml")).has("traefik-hsts-weak"), false);
  });

  test("an IngressRoute matching PathPrefix only fails; one with Host() and an HSTS Middleware passes", () => {
    const open = verdicts(kubernetes("traefik-ingressroute-open.yaml"));
    assert.deepEqual(open.get("traefik-router-without-host"), ["fail"]);
    assert.deepEqual(open.get("traefik-hsts-missing"), ["warn"]);
    const safe = verdicts(kubernetes("traefik-ingressroute-host.yaml"));
    assert.equal(safe.has("traefik-router-without-host"), false);
    assert.equal(safe.has("traefik-hsts-missing"), false);
  });
});
