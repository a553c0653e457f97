/** The http `server` blocks of a configuration, with what their `listen` lines mean. */
import type { NginxConfig, NginxDirective } from "./model.js";
import { walkBlocks, type Scope } from "./scope.js";
import { perConfig } from "../memo.js";
import { singleVariable, withoutParentheses } from "./conditions.js";

export interface ListenSpec {
  /** Address and port as nginx groups them for default-server selection, e.g. "*:443". */
  key: string;
  /** undefined for a unix socket. */
  port: number | undefined;
  /**
   * TLS on this address:port. From parseListen, this line's own `ssl` flag; in serverBlocks, whether nginx
   * speaks TLS there at all (see tlsAddresses).
   */
  ssl: boolean;
  defaultServer: boolean;
  proxyProtocol: boolean;
  directive: NginxDirective | undefined;
}

export interface ServerBlock {
  directive: NginxDirective;
  scope: Scope;
  listens: ListenSpec[];
  names: string[];
  tls: boolean;
}

/** Without a listen line nginx listens on *:80 (when started as root, as in production). */
const IMPLICIT_LISTEN: ListenSpec = {
  key: "*:80",
  port: 80,
  ssl: false,
  defaultServer: false,
  proxyProtocol: false,
  directive: undefined,
};

/** "[::]:80", "127.0.0.1:8080", "localhost:80", "*:80" and a bare "8080" or "127.0.0.1". */
const LISTEN_ADDRESS = /^(?:(\d+)|(\[[^\]]*\]|[^:]*?)(?::(\d+))?)$/;

export function parseListen(directive: NginxDirective): ListenSpec {
  const address = directive.args[0] ?? "";
  let ssl = false;
  let defaultServer = false;
  let proxyProtocol = false;
  let dualStack = false;
  for (let i = 1; i < directive.args.length; i++) {
    const flag = directive.args[i]!.toLowerCase();
    if (flag === "ssl" || flag === "quic") ssl = true;
    else if (flag === "default_server" || flag === "default") defaultServer = true;
    else if (flag === "proxy_protocol") proxyProtocol = true;
    else if (flag === "ipv6only=off") dualStack = true;
  }
  // Literals rather than spreading a shared part: object spread is slow enough to matter here.
  if (address.startsWith("unix:"))
    return { key: address, port: undefined, ssl, defaultServer, proxyProtocol, directive };
  const match = LISTEN_ADDRESS.exec(address);
  const bare = match?.[1];
  const host = bare !== undefined ? "*" : (match?.[2] ?? address);
  const port = Number(bare ?? match?.[3] ?? 80);
  const v6Dual = host === "[::]" && dualStack;
  // `443`, `*:443` and `0.0.0.0:443` are the same IPv4 wildcard socket to nginx.
  const key = `${host === "" || host === "0.0.0.0" || v6Dual ? "*" : host}:${port}`;
  return { key, port, ssl, defaultServer, proxyProtocol, directive };
}

const NON_HTTP_CONTEXTS = new Set(["stream", "mail", "upstream"]);

export const serverBlocks = perConfig((config: NginxConfig): ServerBlock[] => {
  const servers: ServerBlock[] = [];
  walkBlocks(config.root, (scope) => {
    const directive = scope.path[scope.path.length - 1]!;
    if (directive.name !== "server") return;
    if (scope.path.some((block) => NON_HTTP_CONTEXTS.has(block.name))) return;
    const children = directive.block ?? [];
    const listenLines = children.filter((child) => child.name === "listen");
    const listens = listenLines.length > 0 ? listenLines.map(parseListen) : [IMPLICIT_LISTEN];
    const names = children.filter((child) => child.name === "server_name").flatMap((child) => child.args);
    servers.push({ directive, scope, listens, names, tls: false });
  });
  const tls = tlsAddresses(servers);
  for (const server of servers) {
    server.listens = server.listens.map((listen) =>
      tls.has(listen.key) && !listen.ssl ? { ...listen, ssl: true } : listen,
    );
    server.tls = server.listens.some((listen) => listen.ssl);
  }
  return servers;
});

function legacySsl(server: ServerBlock): boolean {
  return (server.directive.block ?? []).some((child) => child.name === "ssl" && child.args[0] === "on");
}

/**
 * The addresses where nginx speaks TLS. It ORs the `ssl` flag over every listen on one address:port
 * (ngx_http_add_addresses), so a plain `listen 443;` is TLS when another server has `listen 443 ssl`; and
 * it starts a handshake on every connection to an address whose default server has the legacy `ssl on;`
 * (ngx_http_init_connection: sscf->enable || addr_conf->ssl, before any server_name is known).
 */
function tlsAddresses(servers: ServerBlock[]): Set<string> {
  const keys = new Set(servers.flatMap((server) => server.listens.filter((l) => l.ssl).map((l) => l.key)));
  for (const [key, server] of defaultServers(servers)) if (legacySsl(server)) keys.add(key);
  return keys;
}

/** Per address:port, the server nginx picks when no server_name matches the request's Host. */
export function defaultServers(servers: ServerBlock[]): Map<string, ServerBlock> {
  const chosen = new Map<string, ServerBlock>();
  const explicit = new Set<string>();
  for (const server of servers) {
    for (const listen of server.listens) {
      if (listen.defaultServer && !explicit.has(listen.key)) {
        chosen.set(listen.key, server);
        explicit.add(listen.key);
      } else if (!chosen.has(listen.key)) chosen.set(listen.key, server);
    }
  }
  return chosen;
}

/**
 * A server's or a location's own `if` that ends the request for every Host it does NOT name (`if ($host != app.example.com)
 * { return 444; }`, `if ($host !~* ^(a|b)\.example\.com$) { ... }`): an allowlist that keeps unknown hosts off
 * the app. One that fires for the hosts it names (`if ($host = www.example.com) { return 301 ...; }`, a
 * certbot or canonical-host redirect) sends every other Host on.
 */
export function allowsOnlyNamedHosts(block: NginxDirective): boolean {
  return (block.block ?? []).some((child) => {
    if (child.name !== "if" || !(child.block ?? []).some((inner) => inner.name === "return")) return false;
    const [subject = "", operator = ""] = withoutParentheses(child.args);
    const variable = singleVariable(subject);
    return (variable === "host" || variable === "http_host") && ["!=", "!~", "!~*"].includes(operator);
  });
}
