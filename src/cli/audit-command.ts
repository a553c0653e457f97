/** `proxytrust audit`: Django settings and proxy configs, read statically, checked against each other. */
import { stat } from "node:fs/promises";
import { Command } from "./commander.js";
import { runAudit, type AuditFiles } from "../static/audit.js";
import { addReportOptions, finishReport, type OutputFlags } from "./common.js";
import { UsageError } from "./usage-error.js";
import { describeFileError } from "../file-error.js";
import { addPythonOptions, pythonRequest, type PythonFlags } from "./python-options.js";
import { loadAuditConfig } from "./scan-config.js";

interface AuditFlags extends AuditFiles, OutputFlags, PythonFlags {
  config?: string;
}

async function searchRoot(path: string): Promise<string> {
  const info = await stat(path).catch((err: unknown) => {
    throw new UsageError(`audit: ${path}: ${describeFileError(err)}`);
  });
  if (!info.isDirectory())
    throw new UsageError(
      `audit: ${path} is a file, not a directory: name it with --settings, --nginx, --caddy, --haproxy, --traefik, --apache or --gunicorn`,
    );
  return path;
}

export function auditCommand(): Command {
  const command = new Command("audit")
    .description(
      "read Django settings, nginx / Caddy / HAProxy / Traefik / Apache configs, the app server's options and deployment descriptors, and check that they agree; with no file options, find them under PATH (default .)",
    )
    .argument("[path]", "a repository to search for settings, proxy configs, Compose files and manifests")
    .option("--settings <file>", "the Django settings module (e.g. myproject/settings/production.py)")
    .option("--nginx <file>", "the main nginx config (or an `nginx -T` dump)")
    .option("--caddy <file>", "the Caddyfile")
    .option("--haproxy <file>", "haproxy.cfg")
    .option(
      "--traefik <file>",
      "Traefik's static configuration (traefik.yml/.toml; its file provider is read too)",
    )
    .option("--apache <file>", "an Apache vhost, or a whole apache2.conf (its Includes are read too)")
    .option("--gunicorn <file>", "gunicorn.conf.py")
    .option(
      "--app-server <file>",
      "how the app server runs: Dockerfile, compose file, Procfile, systemd unit or start script naming uvicorn / daphne / uwsgi / waitress-serve / gunicorn, or uwsgi.ini, a waitress ini, gunicorn.conf.py",
    )
    .option("--compose <file...>", "Compose files (docker-compose.yml, compose.yaml)")
    .option("--kubernetes <file...>", "Kubernetes manifests or literal Helm values.yaml")
    .option(
      "--config <file>",
      "the config file, for its suppressions and failOn (default: proxytrust.config.json here or in a directory above)",
    );
  addReportOptions(command, "show details for every finding", { sarifLocation: false }).action(
    async (path: string | undefined, flags: AuditFlags, command: Command) => {
      const suppress = await loadAuditConfig(command);
      const python = pythonRequest(flags);
      const files: AuditFiles = {
        settings: python ? undefined : flags.settings,
        nginx: flags.nginx,
        caddy: flags.caddy,
        haproxy: flags.haproxy,
        traefik: flags.traefik,
        apache: flags.apache,
        gunicorn: flags.gunicorn,
        appServer: flags.appServer,
        compose: flags.compose,
        kubernetes: flags.kubernetes,
      };
      const named = Object.values(files).some(Boolean);
      if (path !== undefined && (named || python))
        throw new UsageError(
          "audit takes either a PATH to search or file options (--settings, --nginx...), not both",
        );
      if (!named && !python) {
        const root = await searchRoot(path ?? ".");
        const { auditRepository } = await import("../static/discover/index.js");
        const { report, couldNotRun } = await auditRepository(root);
        await finishReport("audit", suppress(report), command.opts<AuditFlags>(), couldNotRun, {
          writeReport: false,
        });
        return;
      }
      const { report, couldNotRun, decided } = await runAudit(files, undefined, python);
      // An audit that could not run has no results: there is no report to keep.
      await finishReport("audit", suppress(report), command.opts<AuditFlags>(), couldNotRun, {
        writeReport: false,
        decided,
      });
    },
  );
  return addPythonOptions(command);
}
