/** `proxytrust audit`: Django settings and proxy configs, read statically, checked against each other. */
import { Command } from "commander";
import { runAudit, type AuditFiles } from "../static/audit.js";
import { addReportOptions, finishReport, UsageError, type OutputFlags } from "./common.js";
import { addPythonOptions, pythonRequest, type PythonFlags } from "./python-options.js";

interface AuditFlags extends AuditFiles, OutputFlags, PythonFlags {}

export function auditCommand(): Command {
  const command = new Command("audit")
    .description(
      "read Django settings, nginx / Caddy / HAProxy / Traefik / Apache configs and the app server's options, and check that they agree",
    )
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
    );
  addReportOptions(command, "show details for every finding", { sarifLocation: false }).action(
    async (flags: AuditFlags) => {
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
      };
      if (!python && !Object.values(files).some(Boolean)) {
        throw new UsageError(
          "audit needs at least one of --settings, --nginx, --caddy, --haproxy, --traefik, --apache, --gunicorn, --app-server",
        );
      }
      const { report, couldNotRun } = await runAudit(files, undefined, python);
      // An audit that could not run has no results: there is no report to keep.
      finishReport("audit", report, flags, couldNotRun, { writeReport: false });
    },
  );
  return addPythonOptions(command);
}
