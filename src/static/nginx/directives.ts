/**
 * What the parser knows about directive shapes: enough to catch wrong argument counts and
 * misspellings of the directives proxytrust reads, without claiming to know every module.
 */

export interface DirectiveShape {
  min: number;
  max: number;
  block: boolean;
}

const ANY = Number.POSITIVE_INFINITY;

function shape(min: number, max: number, block = false): DirectiveShape {
  return { min, max, block };
}

/** Directives whose argument counts we check; `server` is absent because its shape depends on context. */
const SHAPES: Record<string, DirectiveShape> = {
  user: shape(1, 2),
  worker_processes: shape(1, 1),
  worker_connections: shape(1, 1),
  pid: shape(1, 1),
  daemon: shape(1, 1),
  events: shape(0, 0, true),
  http: shape(0, 0, true),
  stream: shape(0, 0, true),
  mail: shape(0, 0, true),
  upstream: shape(1, 1, true),
  location: shape(1, 2, true),
  if: shape(1, ANY, true),
  map: shape(2, 2, true),
  geo: shape(1, 2, true),
  limit_except: shape(1, ANY, true),
  types: shape(0, 0, true),
  include: shape(1, 1),
  listen: shape(1, ANY),
  server_name: shape(1, ANY),
  return: shape(1, 2),
  rewrite: shape(2, 3),
  set: shape(2, 2),
  root: shape(1, 1),
  alias: shape(1, 1),
  proxy_pass: shape(1, 1),
  uwsgi_pass: shape(1, 1),
  fastcgi_pass: shape(1, 1),
  scgi_pass: shape(1, 1),
  grpc_pass: shape(1, 1),
  proxy_set_header: shape(2, 2),
  grpc_set_header: shape(2, 2),
  uwsgi_param: shape(2, 3),
  fastcgi_param: shape(2, 3),
  scgi_param: shape(2, 3),
  proxy_pass_request_headers: shape(1, 1),
  uwsgi_pass_request_headers: shape(1, 1),
  proxy_redirect: shape(1, 2),
  proxy_read_timeout: shape(1, 1),
  uwsgi_read_timeout: shape(1, 1),
  proxy_hide_header: shape(1, 1),
  proxy_http_version: shape(1, 1),
  proxy_buffering: shape(1, 1),
  add_header: shape(2, 3),
  set_real_ip_from: shape(1, 1),
  real_ip_header: shape(1, 1),
  real_ip_recursive: shape(1, 1),
  underscores_in_headers: shape(1, 1),
  ignore_invalid_headers: shape(1, 1),
  ssl_certificate: shape(1, 1),
  ssl_certificate_key: shape(1, 1),
  ssl_protocols: shape(1, ANY),
  ssl_ciphers: shape(1, 1),
  ssl_reject_handshake: shape(1, 1),
  ssl: shape(1, 1),
  http2: shape(1, 1),
  access_log: shape(1, ANY),
  error_log: shape(1, ANY),
  error_page: shape(2, ANY),
  try_files: shape(2, ANY),
  client_max_body_size: shape(1, 1),
  keepalive_timeout: shape(1, 2),
  sendfile: shape(1, 1),
  default_type: shape(1, 1),
  server_tokens: shape(1, 1),
  index: shape(1, ANY),
  allow: shape(1, 1),
  deny: shape(1, 1),
  internal: shape(0, 0),
  break: shape(0, 0),
  gzip: shape(1, 1),
  gzip_types: shape(1, ANY),
  log_format: shape(2, ANY),
  resolver: shape(1, ANY),
  auth_basic: shape(1, 1),
  auth_basic_user_file: shape(1, 1),
  proxy_cookie_flags: shape(1, ANY),
  proxy_cookie_path: shape(1, 2),
  expires: shape(1, 2),
  charset: shape(1, 1),
  env: shape(1, 1),
};

/** Blocks whose children are data (map entries, MIME types, upstream members), not directives. */
export const DATA_BLOCKS = new Set(["map", "geo", "types", "split_clients", "match", "charset_map"]);

export function directiveShape(name: string): DirectiveShape | undefined {
  return Object.hasOwn(SHAPES, name) ? SHAPES[name] : undefined;
}

export function isLuaBlockDirective(name: string): boolean {
  return name.endsWith("_by_lua_block");
}

/** Levenshtein distance, capped: we only care whether two names are one typo apart. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

const misspellings = new Map<string, string | undefined>();
/** Distinct unknown names are few in real configs; the cap bounds what garbage input can make us keep. */
const MAX_REMEMBERED_MISSPELLINGS = 10_000;

/** The known directive an unknown name is one typo away from, if any. */
export function likelyMisspelling(name: string): string | undefined {
  if (directiveShape(name) || name.length < 4) return undefined;
  if (misspellings.has(name)) return misspellings.get(name);
  const known = Object.keys(SHAPES).find((known) => known.length >= 4 && withinOneEdit(name, known));
  if (misspellings.size < MAX_REMEMBERED_MISSPELLINGS) misspellings.set(name, known);
  return known;
}
