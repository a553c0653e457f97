/** A systemd unit that starts the app server with the generated command line. */
import { APP_SERVER_TITLES, type InitRequest } from "../model.js";
import { banner, comment } from "./comments.js";

/** What the unit runs and why each trust option is what it is. */
export interface ServiceCommand {
  /** Comment lines above ExecStart: what the server believes, and from whom. */
  why: string[];
  argv: string[];
}

/** Quotes a word for ExecStart only when it needs it (systemd splits on spaces, like a shell). */
function execWord(word: string): string {
  return /^[\w@%+=:,./[\]-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, "\\$1")}"`;
}

export function serviceUnit(request: InitRequest, command: ServiceCommand): string {
  const title = APP_SERVER_TITLES[request.appServer];
  const lines = [
    ...comment("#", [
      ...banner(request, `the ${title} service (systemd)`),
      `Install it as /etc/systemd/system/${request.appServer}.service, then: systemctl enable --now ${request.appServer}`,
      "The program is Debian's; in a virtualenv, use its bin/ path instead.",
    ]),
    "",
    "[Unit]",
    `Description=Django (${title}) for ${request.domains[0] as string}`,
    "After=network.target",
    "",
    "[Service]",
    "User=www-data",
    "Group=www-data",
    `WorkingDirectory=${request.app.dir}`,
    ...comment("#", command.why),
    `ExecStart=${command.argv.map(execWord).join(" ")}`,
    "Restart=on-failure",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ];
  return lines.join("\n");
}
