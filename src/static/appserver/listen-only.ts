/**
 * Servers read only for where they listen: Django's development server (`manage.py runserver`) and
 * hypercorn. Their trust in forwarding headers is not modelled; whether a host network exposes them is.
 */
import { basename } from "node:path";

/** Django's addrport: `8000`, `0:8000`, `0.0.0.0:8000`, `[::]:8000`, `localhost:8000`. */
const ADDRPORT = /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[a-fA-F0-9:]+\]|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*):)?(\d+)$/;
/** runserver options that take a value as the next word. */
const RUNSERVER_VALUED = new Set(["--settings", "--pythonpath", "-v", "--verbosity"]);

function runserverBinds(args: string[]): string[] {
  const ipv6 = args.includes("-6") || args.includes("--ipv6");
  let addrport: string | undefined;
  for (let i = 0; i < args.length && addrport === undefined; i++) {
    const arg = args[i] as string;
    if (RUNSERVER_VALUED.has(arg)) i++;
    else if (!arg.startsWith("-")) addrport = arg;
  }
  const fallbackHost = ipv6 ? "[::1]" : "127.0.0.1";
  // A port Compose or the shell fills in (0.0.0.0:${PORT:-8000}): the host stands as written.
  if (addrport?.includes("$")) {
    const colon = addrport.lastIndexOf(":");
    const host = colon === -1 ? fallbackHost : addrport.slice(0, colon);
    return [`${host === "0" ? "0.0.0.0" : host}:${addrport.slice(colon + 1)}`];
  }
  const match = ADDRPORT.exec(addrport ?? "");
  if (!match) return [`${fallbackHost}:8000`];
  // runserver reads the address "0" as 0.0.0.0.
  const host = match[1] === "0" ? "0.0.0.0" : (match[1] ?? fallbackHost);
  return [`${host}:${match[2]}`];
}

const HYPERCORN_BINDS = new Set(["-b", "--bind", "--insecure-bind", "--quic-bind"]);

/**
 * hypercorn's -b/--bind, --insecure-bind and --quic-bind (repeatable, also as --bind=…), else its
 * default, 127.0.0.1:8000; none known when a -c/--config file may set them.
 */
function hypercornBinds(args: string[]): string[] {
  const binds: string[] = [];
  let configFile = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const inline =
      /^(--bind|--insecure-bind|--quic-bind|--config)=(.+)$/.exec(arg) ?? /^(-[bc])(.+)$/.exec(arg);
    const flag = inline?.[1] ?? arg;
    const value = inline ? inline[2] : args[i + 1];
    if (!HYPERCORN_BINDS.has(flag) && flag !== "-c" && flag !== "--config") continue;
    if (!inline) i++;
    if (value === undefined) continue;
    if (flag === "-c" || flag === "--config") configFile = true;
    else binds.push(value);
  }
  if (binds.length > 0) return binds;
  return configFile ? [] : ["127.0.0.1:8000"];
}

/** The bind-only server an argv starts, and where it listens. */
export function listenOnlyBinds(argv: string[]): { server: string; binds: string[] } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = basename(argv[i] as string);
    if ((word === "manage.py" || word === "django-admin") && argv[i + 1] === "runserver")
      return { server: "Django's runserver", binds: runserverBinds(argv.slice(i + 2)) };
    const module = /^python[0-9.]*$/.test(word) && argv[i + 1] === "-m" ? argv[i + 2] : undefined;
    if (module === "django" && argv[i + 3] === "runserver")
      return { server: "Django's runserver", binds: runserverBinds(argv.slice(i + 4)) };
    if (word === "hypercorn" || module === "hypercorn")
      return { server: "hypercorn", binds: hypercornBinds(argv.slice(i + (module ? 3 : 1))) };
  }
  return undefined;
}
