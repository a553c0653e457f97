/** audit PATH discovery (walk, recognise, pair) over a generated 50,000-file repository. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discoverDeployments } from "../src/static/discover/index.js";
import { verdict } from "./processes.js";

const FILES = 50_000;
const BUDGET_MS = 2_000;

/** A monorepo-like tree: Django apps with models/views/templates, a frontend, and a few deployment files. */
function generate(root: string): void {
  let written = 0;
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
    written++;
  };
  write(".gitignore", "node_modules/\n*.pyc\nmedia/\n");
  write("manage.py", 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")\n');
  write("config/settings/base.py", "DEBUG = False\nINSTALLED_APPS = []\n");
  write("config/settings/production.py", "from .base import *\nALLOWED_HOSTS = ['example.com']\n");
  write("deploy/nginx/site.conf", "server { listen 80; location / { proxy_pass http://127.0.0.1:8000; } }\n");
  write(
    "docker-compose.yml",
    "services:\n  web:\n    image: app\n    command: gunicorn config.wsgi\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - ./deploy/nginx/site.conf:/etc/nginx/conf.d/default.conf\n",
  );
  for (let app = 0; written < FILES; app++) {
    const dir = `apps/app${app}`;
    write(`${dir}/__init__.py`, "");
    write(`${dir}/models.py`, "from django.db import models\n");
    write(`${dir}/views.py`, "from django.shortcuts import render\n");
    write(`${dir}/urls.py`, "urlpatterns = []\n");
    for (let i = 0; i < 12 && written < FILES; i++)
      write(`${dir}/templates/page${i}.html`, "<p>{{ x }}</p>\n");
    for (let i = 0; i < 6 && written < FILES; i++) write(`${dir}/static/js/module${i}.js`, "export {};\n");
    if (written < FILES) write(`${dir}/fixtures.yaml`, "- model: app.thing\n  pk: 1\n");
    if (written < FILES) write(`${dir}/migrations/0001_initial.py`, "operations = []\n");
  }
}

const root = mkdtempSync(join(tmpdir(), "proxytrust-discover-bench-"));
try {
  generate(root);
  discoverDeployments(root); // warm-up: module loading and the file system cache out of the figure
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const tree = discoverDeployments(root);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time beside wall time: on a shared machine the wall clock also counts other processes' turns.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    verdict(
      `audit PATH discovery of ${tree.filesWalked} files: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${tree.found.length} recognised, ${tree.deployments.length} deployment(s))`,
      `< ${BUDGET_MS} ms`,
      ms < BUDGET_MS,
    ),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
