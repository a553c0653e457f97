/** systemd units: `ExecStart=` with the unit's `Environment=` lines. */
import type { LoadError, Located } from "../caddy/config-source.js";
import { assignments, peelCommand, splitWords, type Launch } from "./model.js";

export function readSystemdUnit(file: string, text: string): { launches: Launch[]; errors: LoadError[] } {
  const errors: LoadError[] = [];
  const env: Record<string, string> = {};
  const starts: { command: string; where: Located }[] = [];
  let section = "";
  let pending: { text: string; line: number } | undefined;
  const settle = (entry: { text: string; line: number }) => {
    const where = { file, line: entry.line };
    const setting = /^\s*([A-Za-z]+)\s*=\s*(.*)$/s.exec(entry.text);
    if (!setting || section !== "Service") return;
    const [, key, value = ""] = setting;
    if (key === "Environment") Object.assign(env, assignments(splitWords(value, where, errors)));
    // An empty ExecStart= clears the list (drop-in overrides start with one).
    if (key === "ExecStart") {
      if (value.trim() === "") starts.length = 0;
      else starts.push({ command: value, where });
    }
  };
  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (!pending && /^\s*[#;]/.test(line)) return;
    const section_ = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (!pending && section_) {
      section = section_[1] as string;
      return;
    }
    const continued = /\\$/.test(line);
    const body = continued ? line.slice(0, -1) : line;
    pending = pending
      ? { ...pending, text: `${pending.text} ${body.trim()}` }
      : { text: body, line: index + 1 };
    if (!continued) {
      settle(pending);
      pending = undefined;
    }
  });
  if (pending) settle(pending);
  const name = file
    .split("/")
    .pop()
    ?.replace(/\.service$/, "");
  const launches = starts.flatMap(({ command, where }) => {
    // Prefixes: - (ignore failure), + ! !! (privileges), : (no substitution), @ (next word is argv[0]).
    const prefix = /^[-+!:@]*/.exec(command.trim())?.[0] ?? "";
    const words = splitWords(command.trim().slice(prefix.length), where, errors);
    const argv = prefix.includes("@") ? [words[0] ?? "", ...words.slice(2)] : words;
    return peelCommand(argv, env, where, errors).map((started): Launch => ({
      ...started,
      location: where,
      kind: "systemd",
      ...(name ? { name } : {}),
    }));
  });
  return { launches, errors };
}
