/**
 * One shape for what every app server trusts, so the rules are written once: where it listens, whose
 * forwarding headers it believes, which headers set the scheme and client address Django gets.
 * gunicorn keeps its own richer model (../gunicorn/model.ts); uvicorn, daphne, uWSGI and waitress
 * are read into this one by their readers in this folder.
 */
import type { AppServerKind } from "../../clauses.js";
import type { LoadError, Located } from "../caddy/config-source.js";

export type { LoadError, Located } from "../caddy/config-source.js";

/** A value with the option (or variable) it came from and where; `option` is "default" when unset. */
export interface Setting<T> extends Located {
  value: T;
  option: string;
}

export interface TrustedSchemeHeader {
  /** As sent, e.g. "X-Forwarded-Proto". */
  name: string;
  /** The value that makes the app server call the request https. */
  secureValue: string;
}

/** Which entry of a client-address header becomes the client address (REMOTE_ADDR / scope client). */
export type AddressPick =
  /** The leftmost entry: whatever the client wrote first when the proxy appends. */
  | "first"
  /** The rightmost entry not itself a trusted peer (uvicorn with a list of addresses). */
  | "nearest-untrusted"
  /** The entry `count` places from the right (waitress trusted_proxy_count). */
  | { fromRight: number };

export interface AppServerConfig {
  server: Exclude<AppServerKind, "gunicorn" | "mod_wsgi">;
  file: string;
  /** The line that starts or configures it (a command line, an ini file's section). */
  at: Located;
  /** "host:port" or "unix:/path"; the server's default when nothing is given. */
  binds: Setting<string[]>;
  /** Where else it listens, in another protocol than `protocol` (uWSGI's HTTP router beside its socket). */
  otherBinds?: string[];
  /**
   * The wire protocol on those binds. With "uwsgi" (nginx uwsgi_pass) the proxy sends the CGI
   * variables itself: HTTPS and REMOTE_ADDR are whatever the peer says, whoever it is.
   */
  protocol: "http" | "uwsgi";
  /** Peers whose forwarding headers it acts on: [] nobody, ["*"] everyone. */
  trustedPeers: Setting<string[]>;
  /** Headers it takes the scheme from, for trusted peers. */
  schemeHeaders: TrustedSchemeHeader[];
  /** A header that must be present too for the scheme header to count (daphne: X-Forwarded-For). */
  schemeNeedsHeader?: string;
  /** How it takes the client address from X-Forwarded-For, for trusted peers; absent when it does not. */
  clientAddress?: { header: string; pick: AddressPick };
  /**
   * Whether forwarding headers it does not act on are removed before Django sees them (waitress
   * clear_untrusted_proxy_headers). The other servers never remove them.
   */
  clearsUntrusted?: Setting<boolean>;
  /** A scheme set for every request regardless of the connection (waitress url_scheme). */
  fixedScheme?: Setting<string>;
  errors: LoadError[];
}

export type OptionSpec = Record<string, "value" | "flag">;

export interface ParsedOption {
  /** The long name without dashes, as in the spec. */
  name: string;
  value: string;
  /** `--no-NAME` for a flag. */
  negated: boolean;
}

/**
 * Options of a command line: `--name value`, `--name=value`, `-x value`, `-xvalue` (aliases map short
 * forms to long names), `--no-NAME` for flags. Unknown options and positional words are skipped.
 */
export function readOptions(
  args: string[],
  spec: OptionSpec,
  aliases: Record<string, string>,
  where: Located,
  errors: LoadError[],
): ParsedOption[] {
  const found: ParsedOption[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const long = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    const short = /^(-[a-zA-Z])(.*)$/s.exec(arg);
    let name: string | undefined;
    let inline: string | undefined;
    if (long) {
      name = long[1];
      inline = long[2];
    } else if (short?.[1] && aliases[short[1]]) {
      name = aliases[short[1]];
      inline = short[2] === "" ? undefined : short[2]?.replace(/^=/, "");
    }
    if (name === undefined) continue;
    const negated = name.startsWith("no-") && spec[name.slice(3)] === "flag";
    const key = negated ? name.slice(3) : name;
    const kind = spec[key];
    if (kind === undefined) continue;
    if (kind === "flag") {
      found.push({ name: key, value: inline ?? "true", negated });
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) errors.push({ ...where, message: `${arg} needs a value` });
    else found.push({ name: key, value, negated: false });
  }
  return found;
}

/** The last value given for an option, as a setting at `where`. */
export function lastOption(
  options: ParsedOption[],
  name: string,
  where: Located,
): Setting<string> | undefined {
  const option = options.findLast((o) => o.name === name);
  return option ? { ...where, value: option.value, option: `--${name}` } : undefined;
}

export function splitCommaList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** How servers spell a truthy option value. */
export function truthy(value: string): boolean {
  return ["1", "true", "yes", "on", "y", "t"].includes(value.trim().toLowerCase());
}
