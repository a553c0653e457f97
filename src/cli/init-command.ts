/** `proxytrust init`: writes a proxy config, the Django settings and the app server's options that agree. */
import { Command, Option } from "./commander.js";
import { generateFiles, writeFiles } from "../init/generate.js";
import { APP_SERVER_KINDS } from "../clauses.js";
import { INIT_PROXIES, InitInputError, OUTER_TIERS } from "../init/model.js";
import { buildInitRequest, DEFAULT_UPSTREAM, type InitAnswers } from "../init/request.js";
import { EXIT } from "../report/model.js";
import { describeFileError } from "../file-error.js";
import { collect } from "./repeated-options.js";
import { UsageError } from "./usage-error.js";

interface InitFlags extends Omit<InitAnswers, "domains"> {
  domain: string[];
  out?: string;
  force: boolean;
}

export function initCommand(): Command {
  return new Command("init")
    .description("generate a matched proxy config, Django settings block and app server options")
    .addOption(
      new Option("--proxy <kind>", "the proxy in front of Django")
        .choices(INIT_PROXIES)
        .makeOptionMandatory(),
    )
    .option("--domain <name>", "a name the site answers to; the first is canonical (repeatable)", collect, [])
    .option("--health-path <path>", "a health-check path that stays on plain HTTP", "/healthz")
    .addOption(
      new Option("--behind <tier>", "a load balancer or CDN in front of the proxy").choices(OUTER_TIERS),
    )
    .addOption(
      new Option("--app-server <kind>", "what runs Django (mod_wsgi: Apache itself)")
        .choices(APP_SERVER_KINDS)
        .default("gunicorn"),
    )
    .option("--app-dir <dir>", "the directory holding manage.py on the server (default: /srv/DOMAIN)")
    .option("--project <package>", "the Django project package holding wsgi.py and asgi.py", "project")
    .option(
      "--upstream <host:port>",
      `where the app server listens (default: ${DEFAULT_UPSTREAM}; not with mod_wsgi)`,
    )
    .option(
      "--proxy-address <ip>",
      "the address the app server sees the proxy connect from (default: loopback; not with mod_wsgi)",
    )
    .option("--out <dir>", "write the files here (default: print them)")
    .option("--force", "overwrite existing files in --out", false)
    .action(async (flags: InitFlags) => {
      let files;
      try {
        files = generateFiles(buildInitRequest({ ...flags, domains: flags.domain }));
      } catch (err) {
        if (err instanceof InitInputError) throw new UsageError(err.message);
        throw err;
      }
      if (!flags.out) {
        for (const file of files) process.stdout.write(`# ==> ${file.path} <==\n${file.contents}\n`);
        return;
      }
      try {
        const written = await writeFiles(flags.out, files, flags.force);
        process.stdout.write(`${written.map((path) => `wrote ${path}`).join("\n")}\n`);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const reason =
          code === "EEXIST"
            ? "a file exists already (use --force to overwrite)"
            : describeFileError(err, { writing: true });
        process.stderr.write(`proxytrust: init could not write to ${flags.out}: ${reason}\n`);
        process.exitCode = EXIT.couldNotRun;
      }
    });
}
