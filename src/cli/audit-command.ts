/** `proxytrust audit`: Django settings and proxy configs, read statically, checked against each other. */
import { Command, Option } from "commander";
import { EXIT, exitCodeFor } from "../report/model.js";
import { runAudit, type AuditFiles } from "../static/audit.js";
import {
  checkOutputOptions,
  formatOption,
  outputOption,
  printReport,
  UsageError,
  type OutputFlags,
} from "./common.js";

interface AuditFlags extends AuditFiles, OutputFlags {}

export function auditCommand(): Command {
  return new Command("audit")
    .description(
      "read Django settings and nginx / Caddy / HAProxy / gunicorn configs, and check that they agree",
    )
    .option("--settings <file>", "the Django settings module (e.g. myproject/settings/production.py)")
    .option("--nginx <file>", "the main nginx config (or an `nginx -T` dump)")
    .option("--caddy <file>", "the Caddyfile")
    .option("--haproxy <file>", "haproxy.cfg")
    .option("--gunicorn <file>", "gunicorn.conf.py")
    .addOption(formatOption())
    .addOption(outputOption())
    .hook("preAction", checkOutputOptions)
    .addOption(
      new Option("--fail-on <status>", "lowest status that makes the exit code 1")
        .choices(["fail", "warn"])
        .default("fail"),
    )
    .option("-v, --verbose", "show details for every finding", false)
    .action(async (flags: AuditFlags) => {
      const files: AuditFiles = {
        settings: flags.settings,
        nginx: flags.nginx,
        caddy: flags.caddy,
        haproxy: flags.haproxy,
        gunicorn: flags.gunicorn,
      };
      if (!Object.values(files).some(Boolean)) {
        throw new UsageError(
          "audit needs at least one of --settings, --nginx, --caddy, --haproxy, --gunicorn",
        );
      }
      const { report, couldNotRun } = await runAudit(files);
      if (couldNotRun) {
        process.stderr.write(`proxytrust: audit could not run: ${couldNotRun}\n`);
        process.exitCode = EXIT.couldNotRun;
        return;
      }
      printReport(report, flags);
      process.exitCode = exitCodeFor(report, flags.failOn);
    });
}
