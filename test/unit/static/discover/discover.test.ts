import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { auditRepository, discoverDeployments } from "../../../../src/static/discover/index.js";
import { walkRepository } from "../../../../src/static/discover/walk.js";
import { CORPUS, corpusMissing } from "../../../corpus.js";

const SHOP = fileURLToPath(new URL("fixtures/shop", import.meta.url));

describe("a cookiecutter-style repository: two Compose files, settings package, nginx service", () => {
  const tree = discoverDeployments(SHOP);
  const byName = new Map(tree.deployments.map((d) => [d.name, d]));

  test("recognises settings, entry points, Compose files, Dockerfiles and the nginx config by name and content", () => {
    const kinds = new Map(tree.found.map((f) => [f.file, f.kind]));
    assert.equal(kinds.get("config/settings/production.py"), "settings");
    assert.equal(kinds.get("manage.py"), "django-entry");
    assert.equal(kinds.get("docker-compose.production.yml"), "compose");
    assert.equal(kinds.get("compose/production/nginx/default.conf"), "nginx");
    assert.equal(kinds.get("compose/production/django/Dockerfile"), "dockerfile");
    // Application code and requirements say nothing about the deployment.
    assert.equal(kinds.has("shop/orders/models.py"), false);
    assert.equal(kinds.has("requirements/production.txt"), false);
  });

  test("one deployment per Compose file, each with the settings its app service names", () => {
    assert.deepEqual([...byName.keys()].sort(), [
      "docker-compose.local.yml",
      "docker-compose.production.yml",
    ]);
    const production = byName.get("docker-compose.production.yml")!;
    assert.equal(production.files.settings, join(SHOP, "config/settings/production.py"));
    assert.equal(production.files.nginx, join(SHOP, "compose/production/nginx/default.conf"));
    assert.ok(production.pairedBecause.some((r) => /service nginx runs nginx .* in front of django/.test(r)));
    assert.equal(
      byName.get("docker-compose.local.yml")!.files.settings,
      join(SHOP, "config/settings/local.py"),
    );
  });

  test("base and test settings are left out, each with why", () => {
    const reasons = new Map(tree.ignored.map((i) => [i.path, i.reason]));
    assert.match(reasons.get("config/settings/base.py") ?? "", /read through .*production\.py/);
    assert.match(reasons.get("config/settings/test.py") ?? "", /test or example settings/);
  });

  test("the env_file's values feed the settings, with where each was set; secrets stay out", async () => {
    const { report } = await auditRepository(SHOP);
    const production = report.discovery!.deployments.find((d) => d.name === "docker-compose.production.yml")!;
    const redirect = production.environment.find((e) => e.name === "DJANGO_SECURE_SSL_REDIRECT");
    assert.deepEqual(redirect, {
      name: "DJANGO_SECURE_SSL_REDIRECT",
      value: "False",
      file: ".envs/.production/.django",
      line: 9,
    });
    assert.equal(
      production.environment.some((e) => e.name === "DJANGO_SECRET_KEY"),
      false,
    );
    const sslRedirect = report.checks.find(
      (c) => c.id === "django-ssl-redirect" && c.target === "docker-compose.production.yml",
    );
    assert.match(sslRedirect?.summary ?? "", /SECURE_SSL_REDIRECT = False/);
    const exposure = report.checks.find((c) => c.id === "compose-port-published");
    assert.equal(exposure?.status, "fail");
    assert.equal(exposure?.target, "docker-compose.production.yml");
  });
});

describe("the walk", () => {
  const root = mkdtempSync(join(tmpdir(), "proxytrust-walk-"));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write(".gitignore", "deploy/local/\n*.local.conf\n");
  write("deploy/nginx.conf", "server { listen 80; location / { proxy_pass http://127.0.0.1:8000; } }\n");
  write("deploy/site.local.conf", "server { listen 80; }\n");
  write("deploy/local/nginx.conf", "server { listen 80; }\n");
  write("deploy/.gitignore", "!keep.local.conf\n");
  write("deploy/keep.local.conf", "server { listen 8080; }\n");
  write(".venv/pyvenv.cfg", "home = /usr/bin\n");
  write(".venv/lib/python3.12/site-packages/django/conf/project_template/settings.py", "DEBUG = True\n");
  write("node_modules/some-package/nginx.conf", "server { listen 80; }\n");

  test("honours .gitignore at every level and skips virtualenvs and node_modules, saying why", () => {
    const walked = walkRepository(root);
    assert.deepEqual(walked.files.filter((f) => f.endsWith(".conf")).sort(), [
      "deploy/keep.local.conf",
      "deploy/nginx.conf",
    ]);
    const reasons = new Map(walked.ignored.map((i) => [i.path, i.reason]));
    assert.equal(reasons.get("deploy/local/"), "ignored by .gitignore");
    assert.equal(reasons.get("deploy/site.local.conf"), "ignored by .gitignore");
    assert.match(reasons.get(".venv/") ?? "", /virtual environment/);
    assert.equal(reasons.get("node_modules/"), "installed npm packages");
  });
});

describe("a repository deployed to Kubernetes behind ingress-nginx", () => {
  const root = mkdtempSync(join(tmpdir(), "proxytrust-k8s-"));
  after(() => rmSync(root, { recursive: true, force: true }));
  const manifests = fileURLToPath(new URL("../deployment/fixtures/", import.meta.url));
  mkdirSync(join(root, "deploy/k8s"), { recursive: true });
  mkdirSync(join(root, "config/settings"), { recursive: true });
  cpSync(join(manifests, "shop-app-exposed.yaml"), join(root, "deploy/k8s/shop.yaml"));
  cpSync(join(manifests, "ingress-nginx-controller-open.yaml"), join(root, "deploy/k8s/ingress-nginx.yaml"));
  writeFileSync(
    join(root, "config/settings/production.py"),
    [
      "import environ",
      "env = environ.Env()",
      'SECRET_KEY = env("DJANGO_SECRET_KEY")',
      'ALLOWED_HOSTS = ["shop.example.com"]',
      'SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")',
      'SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)',
      "",
    ].join("\n"),
  );

  test("the manifests form one deployment with the settings the Django container names, and its env feeds them", async () => {
    const { report } = await auditRepository(root);
    const [deployment, ...others] = report.discovery!.deployments;
    assert.equal(others.length, 0);
    assert.equal(deployment!.name, "deploy/k8s");
    assert.deepEqual(deployment!.files.map((f) => f.role).sort(), ["kubernetes", "kubernetes", "settings"]);
    assert.deepEqual(
      deployment!.environment.map((e) => `${e.name}=${e.value} ${e.file}:${e.line}`),
      ["DJANGO_SECURE_SSL_REDIRECT=False deploy/k8s/shop.yaml:27"],
    );
    const failing = new Set(report.checks.filter((c) => c.status === "fail").map((c) => c.id));
    for (const id of [
      "kubernetes-service-exposed",
      "ingress-nginx-forwarded-headers-trusted",
      "ingress-nginx-upstream-vhost",
    ])
      assert.ok(failing.has(id), id);
  });
});

describe("the corpus projects' own folders", { skip: corpusMissing }, () => {
  const discover = (project: string) => discoverDeployments(join(CORPUS, project));

  test("netbox: settings, nginx, Apache and gunicorn found; nginx and Apache each paired with settings.py and gunicorn.py", () => {
    const tree = discover("netbox-community__netbox");
    assert.deepEqual(tree.found.map((f) => `${f.kind} ${f.file}`).sort(), [
      "apache contrib/apache.conf",
      "gunicorn contrib/gunicorn.py",
      "nginx contrib/nginx.conf",
      "settings netbox/netbox/configuration_example.py",
      "settings netbox/netbox/settings.py",
    ]);
    assert.deepEqual(
      tree.deployments.map((d) => [d.name, Object.keys(d.files).sort()]),
      [
        ["netbox/netbox/settings + contrib/nginx.conf", ["gunicorn", "nginx", "settings"]],
        ["netbox/netbox/settings + contrib/apache.conf", ["apache", "gunicorn", "settings"]],
      ],
    );
    assert.ok(tree.deployments.every((d) => d.files.settings?.endsWith("netbox/netbox/settings.py")));
  });

  test("DefectDojo: split-settings include read through settings.py; two nginx variants, two deployments", () => {
    const tree = discover("DefectDojo__django-DefectDojo");
    assert.deepEqual(tree.deployments.map((d) => d.name).sort(), [
      "dojo/settings/settings + nginx/nginx.conf",
      "dojo/settings/settings + nginx/nginx_TLS.conf",
    ]);
    assert.ok(
      tree.ignored.some((i) => i.path === "dojo/settings/settings.dist.py" && /read through/.test(i.reason)),
    );
  });

  test("bakerydemo: dev and production settings are two deployments, base is read through them", () => {
    const tree = discover("wagtail__bakerydemo");
    assert.deepEqual(tree.deployments.map((d) => d.name).sort(), [
      "bakerydemo/settings/dev",
      "bakerydemo/settings/production",
    ]);
  });

  test("templates are left out with why: cookiecutter's Jinja settings, readthedocs' envsubst nginx files", () => {
    const cookiecutter = discover("cookiecutter__cookiecutter-django");
    assert.ok(
      cookiecutter.ignored.some(
        (i) => i.path.endsWith("config/settings/production.py") && /template/.test(i.reason),
      ),
    );
    const readthedocs = discover("readthedocs__readthedocs.org");
    assert.ok(
      readthedocs.ignored.some(
        (i) => i.path === "dockerfiles/nginx/web.conf.template" && /template/.test(i.reason),
      ),
    );
  });

  test("parser test suites are test data, not deployments", () => {
    assert.deepEqual(discover("nginxinc__crossplane").deployments, []);
    assert.deepEqual(discover("yandex__gixy").deployments, []);
  });
});

test("Debian's apache2.conf is the deployment; the site it includes is read through it", () => {
  const tree = discoverDeployments(fileURLToPath(new URL("../apache/fixtures/mod-wsgi", import.meta.url)));
  assert.deepEqual(
    tree.deployments.map((d) => [d.name, Object.keys(d.files)]),
    [["apache2.conf", ["apache"]]],
  );
  assert.ok(
    tree.ignored.some((i) => i.path === "sites-enabled/shop.conf" && i.reason === "included by apache2.conf"),
  );
});

test("Debian's sites-enabled links are the sites-available files found; a site not enabled is not audited", () => {
  const root = mkdtempSync(join(tmpdir(), "proxytrust-debian-"));
  after(() => rmSync(root, { recursive: true, force: true }));
  const etc = join(root, "etc", "apache2");
  for (const dir of ["sites-available", "sites-enabled"]) mkdirSync(join(etc, dir), { recursive: true });
  writeFileSync(join(etc, "apache2.conf"), "Listen 80\nIncludeOptional sites-enabled/*.conf\n");
  const site = (name: string, server: string) =>
    writeFileSync(
      join(etc, "sites-available", name),
      `<VirtualHost *:80>\n    ServerName ${server}\n    ProxyPass / http://127.0.0.1:8000/\n</VirtualHost>\n`,
    );
  site("app.conf", "app.example.com");
  site("old-app.conf", "old.example.com");
  symlinkSync("../sites-available/app.conf", join(etc, "sites-enabled", "app.conf"));
  const tree = discoverDeployments(root);
  assert.deepEqual(
    tree.deployments.map((d) => [d.name, Object.keys(d.files)]),
    [["etc/apache2/apache2.conf", ["apache"]]],
  );
  assert.deepEqual(
    tree.ignored.filter((i) => i.path.includes("sites-")).map((i) => [i.path, i.reason]),
    [
      ["etc/apache2/sites-available/app.conf", "included by etc/apache2/apache2.conf"],
      [
        "etc/apache2/sites-available/old-app.conf",
        "not enabled: etc/apache2/apache2.conf does not include it",
      ],
    ],
  );
});

test("a Compose file read for its services and for the app server it runs is named once in the report", async () => {
  const root = mkdtempSync(join(tmpdir(), "proxytrust-one-target-"));
  try {
    mkdirSync(join(root, "shop"));
    writeFileSync(join(root, "shop/settings.py"), 'ALLOWED_HOSTS = ["shop.example.com"]\nDEBUG = False\n');
    writeFileSync(
      join(root, "docker-compose.yml"),
      "services:\n  web:\n    build: .\n    command: gunicorn shop.wsgi --bind 0.0.0.0:8000\n    environment:\n      DJANGO_SETTINGS_MODULE: shop.settings\n",
    );
    const { report } = await auditRepository(root);
    const targets = report.target.split(", ");
    assert.ok(
      targets.some((t) => t.endsWith("docker-compose.yml")),
      report.target,
    );
    assert.deepEqual(targets, [...new Set(targets)]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
