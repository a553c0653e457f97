import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  launchFileKind,
  readLaunchFile,
  readLaunches,
  shellCommands,
  type Launch,
} from "../../../../src/static/launch/index.js";

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

function read(name: string) {
  const file = path.join(fixtures, name);
  const result = readLaunchFile(file, readFileSync(file, "utf8"));
  assert.ok(result, `${name} is recognised as a launch file`);
  assert.deepEqual(result.errors, []);
  return result;
}

const summary = (launches: Launch[]) => launches.map((l) => [l.location.line, l.name, l.argv.join(" ")]);

test("Dockerfile: the final stage's ENTRYPOINT + exec CMD, continuation lines, both ENV forms", () => {
  const { kind, launches } = read("Dockerfile");
  assert.equal(kind, "dockerfile");
  assert.equal(launches.length, 1);
  const [launch] = launches;
  assert.deepEqual(launch?.argv, [
    "/usr/bin/tini",
    "--",
    "uvicorn",
    "shop.asgi:application",
    "--host",
    "0.0.0.0",
    "--port",
    "8000",
    "--proxy-headers",
  ]);
  assert.equal(launch?.location.line, 16);
  assert.deepEqual(launch?.env, {
    PYTHONUNBUFFERED: "1",
    DJANGO_SETTINGS_MODULE: "shop.settings.production",
    FORWARDED_ALLOW_IPS: "10.0.0.2",
  });
});

test("Dockerfile shell form runs through sh: each command of the chain, exec dropped", () => {
  const { launches } = read("Dockerfile.shell");
  assert.deepEqual(summary(launches), [
    [3, undefined, "python manage.py migrate --noinput"],
    [3, undefined, "daphne -b 0.0.0.0 -p $PORT --proxy-headers shop.asgi:application"],
  ]);
  assert.deepEqual(launches[1]?.env, { PORT: "8000" });
});

test("Dockerfile: an ENTRYPOINT resets an inherited CMD; a stage built FROM another inherits its ENV", () => {
  const text = [
    "FROM python:3.12 AS base",
    "ENV FORWARDED_ALLOW_IPS=*",
    'CMD ["gunicorn", "app.wsgi"]',
    "FROM base",
    'ENTRYPOINT ["uvicorn", "app.asgi:application"]',
  ].join("\n");
  const [launch, ...others] = readLaunches("Dockerfile", text);
  assert.equal(others.length, 0);
  assert.deepEqual(launch?.argv, ["uvicorn", "app.asgi:application"]);
  assert.deepEqual(launch?.env, { FORWARDED_ALLOW_IPS: "*" });
  assert.equal(launch?.location.line, 5);
});

test("Compose: command and entrypoint per service, sh -c unwrapped, environment as map or list", () => {
  const { kind, launches } = read("docker-compose.yml");
  assert.equal(kind, "compose");
  assert.deepEqual(summary(launches), [
    [8, "web", "python manage.py collectstatic --noinput"],
    [8, "web", "waitress-serve --listen=0.0.0.0:8080 --trusted-proxy=* shop.wsgi:application"],
    [17, "worker", "/docker-entrypoint.sh uwsgi --ini /etc/uwsgi/app.ini"],
  ]);
  assert.deepEqual(launches[1]?.env, { DJANGO_DEBUG: "0", WAITRESS_THREADS: "8" });
  assert.deepEqual(launches[2]?.env, { UWSGI_PROCESSES: "4" });
});

test("Procfile: one launch a process type, run by a shell", () => {
  const { kind, launches } = read("Procfile");
  assert.equal(kind, "procfile");
  assert.deepEqual(summary(launches), [
    [1, "release", "python manage.py migrate"],
    [2, "web", "gunicorn shop.wsgi --bind 0.0.0.0:$PORT --forwarded-allow-ips=* --log-file -"],
    [3, "worker", "celery -A shop worker"],
  ]);
});

test("systemd: ExecStart with continuations and the unit's Environment=, ExecStartPre ignored", () => {
  const { kind, launches } = read("shop.service");
  assert.equal(kind, "systemd");
  assert.deepEqual(summary(launches), [
    [
      10,
      "shop",
      "/srv/shop/venv/bin/uvicorn shop.asgi:application --uds /run/shop/uvicorn.sock --forwarded-allow-ips=127.0.0.1",
    ],
  ]);
  assert.deepEqual(launches[0]?.env, {
    DJANGO_SETTINGS_MODULE: "shop.settings",
    FORWARDED_ALLOW_IPS: "127.0.0.1",
  });
  const override = readLaunches(
    "override.conf",
    "[Service]\nExecStart=\nExecStart=-@/usr/bin/daphne daphne -u /run/d.sock app.asgi:application\n",
  );
  assert.deepEqual(
    override.map((l) => l.argv),
    [["/usr/bin/daphne", "-u", "/run/d.sock", "app.asgi:application"]],
  );
});

test("start scripts: commands inside if-blocks, exported variables, continuations", () => {
  const { kind, launches } = read("docker-entrypoint.sh");
  assert.equal(kind, "shell-script");
  const gunicorn = launches.find((l) => l.argv[0] === "gunicorn");
  assert.deepEqual(gunicorn?.argv, [
    "gunicorn",
    "shop.asgi:application",
    "-k",
    "uvicorn.workers.UvicornWorker",
    "--bind",
    "0.0.0.0:8000",
  ]);
  assert.equal(gunicorn?.location.line, 6);
  assert.deepEqual(gunicorn?.env, { DJANGO_SETTINGS_MODULE: "shop.settings.production" });
});

test("detection by name and content; other files are no launch files", () => {
  assert.equal(launchFileKind("deploy/Dockerfile.prod", ""), "dockerfile");
  assert.equal(launchFileKind("compose.yaml", ""), "compose");
  assert.equal(launchFileKind("app.unit", "[Unit]\n[Service]\nExecStart=/bin/true\n"), "systemd");
  assert.equal(launchFileKind("run", "#!/usr/bin/env bash\nexec uwsgi app.ini\n"), "shell-script");
  assert.equal(launchFileKind("uwsgi.ini", "[uwsgi]\nmodule = app.wsgi\n"), undefined);
  assert.equal(readLaunchFile("settings.py", "DEBUG = False\n"), undefined);
});

test("problems are located, not thrown", () => {
  const broken = readLaunchFile("Procfile", "web: gunicorn --bind '0.0.0.0\n");
  assert.deepEqual(broken?.errors, [
    { file: "Procfile", line: 1, message: "unterminated quote in the command line" },
  ]);
  const yaml = readLaunchFile("compose.yml", "services:\n  web: [\n");
  assert.equal(yaml?.errors.length, 1);
  assert.deepEqual(shellCommands("a 'b;c' && d # comment"), [["a", "b;c"], ["d"]]);
});
