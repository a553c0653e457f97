/** `proxytrust doctor URL [files]`: scan and audit together, explained as symptom -> cause -> fix. */
import { Command } from "./commander.js";
import { runDoctor } from "../doctor/run.js";
import type { AuditFiles } from "../static/audit.js";
import { auditCommand } from "./audit-command.js";
import { checkOutputOptions, finishReport, type OutputFlags } from "./common.js";
import { onInterrupt } from "./interrupt.js";
import { checkProbeToken, scanCommand, scanOptionsFrom } from "./scan-command.js";
import { parseTarget } from "./target-url.js";
import { printable } from "../report/quote.js";

type DoctorFlags = Parameters<typeof scanOptionsFrom>[0] & AuditFiles & OutputFlags;

/** The scan's options that mean the same for one doctor run (not the fleet ones). */
const SCAN_OPTIONS = new Set([
  "--resolve",
  "--connect-to",
  "--cacert",
  "--insecure",
  "--timeout",
  "--max-time",
  "--header",
  "--cookie-path",
  "--csrf-path",
  "--csrf-post",
  "--health-path",
  "--origin",
  "--proxy",
  "--probe-token",
  "--probe-path",
  "--format",
  "--output",
  "--sarif-location",
  "--fail-on",
  "--verbose",
]);

/** The audit's file options, borrowed so both commands spell them the same. */
const AUDIT_FILE_OPTIONS = new Set([
  "--settings",
  "--nginx",
  "--caddy",
  "--haproxy",
  "--gunicorn",
  "--traefik",
]);

export function doctorCommand(): Command {
  const doctor = new Command("doctor")
    .description(
      "explain why a live deployment misbehaves: symptom, cause (live and in the files given), fix",
    )
    .argument("<url>", "the site, e.g. https://app.example.com/");
  for (const option of scanCommand().options)
    if (option.long && SCAN_OPTIONS.has(option.long)) doctor.addOption(option);
  for (const option of auditCommand().options)
    if (option.long && AUDIT_FILE_OPTIONS.has(option.long)) doctor.addOption(option);
  doctor.hook("preAction", checkProbeToken);
  return doctor.hook("preAction", checkOutputOptions).action(async (rawUrl: string, flags: DoctorFlags) => {
    const target = parseTarget(rawUrl);
    const files: AuditFiles = {
      settings: flags.settings,
      nginx: flags.nginx,
      caddy: flags.caddy,
      haproxy: flags.haproxy,
      traefik: flags.traefik,
      gunicorn: flags.gunicorn,
    };
    const interruption = onInterrupt();
    const options = { ...scanOptionsFrom(flags), stop: interruption.signal };
    const { report, couldNotRun, auditProblem, fileProblems } = await runDoctor(target, options, files);
    if (auditProblem)
      process.stderr.write(`proxytrust: the files were not read (${auditProblem}); live evidence only\n`);
    else
      for (const problem of fileProblems)
        process.stderr.write(
          `proxytrust: ${printable(problem)}; causes in what was not read are not named\n`,
        );
    await finishReport("doctor", report, flags, couldNotRun, { interruption });
  });
}
