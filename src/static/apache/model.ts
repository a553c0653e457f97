/**
 * Apache httpd configuration, read far enough for the trust contract: directives with their quoted
 * arguments, sections (<VirtualHost>, <Location>, <IfModule> …) nested, Include / IncludeOptional
 * followed (globs, relative to ServerRoot or the including file), each directive with file and line.
 */
import { readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { readConfigSource, type LoadError, type Located } from "../caddy/config-source.js";
import { describeFileError } from "../../file-error.js";
import { perConfig } from "../memo.js";
import { entryExists, hasWildcard, matchingEntries, MAX_GLOB_PATHS } from "../glob.js";
import { quoted } from "../../report/quote.js";

export type { LoadError, Located } from "../caddy/config-source.js";

export interface ApacheDirective extends Located {
  /** As written, e.g. "ProxyPass"; compare with `is()`. */
  name: string;
  args: string[];
  /** Set for a section (<VirtualHost …> … </VirtualHost>). */
  children?: ApacheDirective[];
}

export interface ApacheConfig {
  file: string;
  root: ApacheDirective[];
  errors: LoadError[];
}

/** Apache directive names are case-insensitive. */
export const is = (directive: ApacheDirective, name: string) =>
  directive.name.toLowerCase() === name.toLowerCase();

/** Words of a directive line: double or single quotes group, backslash escapes a quote. */
function words(text: string): string[] {
  const found: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)/g;
  for (const match of text.matchAll(pattern))
    found.push((match[1] ?? match[2] ?? match[3] ?? "").replace(/\\(["'])/g, "$1"));
  return found;
}

const MAX_INCLUDE_DEPTH = 16;

/** Files one Include may stand for: a directory tree beyond this is not a config directory. */
const MAX_INCLUDED_FILES = 1000;

/** Where relative Include paths start: the audited main file's folder first, then ServerRoot. */
interface Roots {
  main: string;
  server: string;
  /** Real paths of the files being read, outermost first: one met again is an include loop. */
  reading: Set<string>;
}

/** Whether `folder` lies inside `root`, both as the file system resolves them. */
function holds(root: string, folder: string): boolean {
  const inside = relative(realPath(root), realPath(folder));
  return !inside.startsWith("..") && !isAbsolute(inside);
}

/** Sections Apache reads only when their condition holds, which the audit cannot know. */
const CONDITIONAL_SECTION = /^If/i;

function parse(
  file: string,
  text: string,
  roots: Roots,
  errors: LoadError[],
  depth: number,
  /** Inside a conditional section, here or around the Include that led to this file. */
  conditional = false,
): ApacheDirective[] {
  const root: ApacheDirective[] = [];
  const stack: ApacheDirective[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let body = (lines[index] as string).replace(/\r$/, "");
    while (/\\$/.test(body) && index + 1 < lines.length)
      body = body.slice(0, -1) + " " + (lines[++index] as string).trim();
    const trimmed = body.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const parent = stack[stack.length - 1];
    const into = parent?.children ?? root;
    const close = /^<\/([A-Za-z]+)\s*>$/.exec(trimmed);
    if (close) {
      if (!parent || parent.name.toLowerCase() !== (close[1] as string).toLowerCase()) {
        errors.push({ file, line, message: `</${close[1]}> closes no open <${close[1]}>` });
      } else stack.pop();
      continue;
    }
    const open = /^<([A-Za-z]+)(.*)>$/.exec(trimmed);
    if (open) {
      const section: ApacheDirective = {
        file,
        line,
        name: open[1] as string,
        args: words(open[2] ?? ""),
        children: [],
      };
      into.push(section);
      stack.push(section);
      continue;
    }
    const [name = "", ...args] = words(trimmed);
    const directive: ApacheDirective = { file, line, name, args };
    into.push(directive);
    if ((is(directive, "Include") || is(directive, "IncludeOptional")) && args[0]) {
      directive.children = include(args[0], roots, { file, line }, errors, depth, {
        optional: is(directive, "IncludeOptional"),
        conditional: conditional || stack.some((section) => CONDITIONAL_SECTION.test(section.name)),
      });
    }
    if (is(directive, "ServerRoot") && args[0] && holds(args[0], roots.main)) roots.server = args[0];
  }
  for (const section of stack)
    errors.push({ file, line: section.line, message: `<${section.name}> is never closed` });
  return root;
}

interface IncludeKind {
  optional: boolean;
  /** Inside an <IfDefine>, <IfModule> … that Apache may skip: naming nothing is then no error. */
  conditional: boolean;
}

function include(
  pattern: string,
  roots: Roots,
  at: Located,
  errors: LoadError[],
  depth: number,
  kind: IncludeKind,
): ApacheDirective[] {
  if (depth >= MAX_INCLUDE_DEPTH) {
    errors.push({ ...at, message: `includes nested deeper than ${MAX_INCLUDE_DEPTH}` });
    return [];
  }
  // Relative paths are relative to ServerRoot. The audited file's folder comes first; ServerRoot counts
  // only for a file inside it (/etc/httpd/conf/httpd.conf), never for a copy elsewhere (a repository's),
  // whose results would otherwise depend on the auditing machine's /etc/apache2.
  const candidates = isAbsolute(pattern)
    ? [pattern]
    : [join(roots.main, pattern), join(roots.server, pattern)];
  for (const candidate of candidates) {
    const { files, problems, matchedAny } = includedPaths(resolve(candidate), kind);
    // The other root, unless this one holds what the pattern starts from.
    if (!matchedAny) continue;
    for (const problem of problems)
      errors.push({ ...at, message: `cannot include "${pattern}": ${problem}` });
    const walk: DirectoryWalk = { files: 0, directories: new Set(), stopped: false };
    return files
      .flatMap((named) => withDirectoriesRead(named, at, errors, walk))
      .flatMap((path) => {
        const real = realPath(path);
        if (roots.reading.has(real)) {
          errors.push({
            ...at,
            message: `cannot include ${path}: it is already being read (an include loop)`,
          });
          return [];
        }
        const source = readConfigSource(path);
        if (!source.ok) {
          errors.push({ ...at, message: `cannot include ${path}: ${source.error.message}` });
          return [];
        }
        roots.reading.add(real);
        const directives = parse(path, source.text, roots, errors, depth + 1, kind.conditional);
        roots.reading.delete(real);
        return directives;
      });
  }
  // Apache 2.4 refuses to start on either; IncludeOptional is how a config says "if any".
  const missing = hasWildcard(pattern) ? "no file matches the wildcard" : "file not found";
  if (!kind.optional && !kind.conditional)
    errors.push({ ...at, message: `cannot include "${pattern}": ${missing}` });
  return [];
}

/**
 * The paths an Include names, walked as httpd's process_resource_config_fnmatch walks them. A wildcard
 * reads its folder with FNM_PERIOD (no names starting with a dot), and before the last segment takes
 * real directories only, no links to them. A literal segment is taken as written: a matched folder
 * without the rest names a file that is not there, and reading it fails, optional or not, as in Apache.
 * A wildcard that matches nothing in one folder fails only a plain Include.
 */
function includedPaths(
  pattern: string,
  kind: IncludeKind,
): { files: string[]; problems: string[]; matchedAny: boolean } {
  if (!hasWildcard(pattern)) {
    const exists = entryExists(pattern);
    return { files: exists ? [pattern] : [], problems: [], matchedAny: exists };
  }
  const options = { leadingDot: "explicit", links: "skip" } as const;
  const segments = pattern.split("/").filter(Boolean);
  const files: string[] = [];
  const problems: string[] = [];
  let matchedAny = false;
  const walk = (base: string, index: number): void => {
    if (files.length > MAX_GLOB_PATHS) return;
    if (index === segments.length) {
      files.push(base);
      return;
    }
    const segment = segments[index]!;
    if (!hasWildcard(segment)) return walk(join(base, segment), index + 1);
    let matched: string[];
    try {
      matched = matchingEntries(base, segment, options, index < segments.length - 1);
    } catch (error) {
      if (!kind.conditional) problems.push(`cannot read the folder ${base}: ${describeFileError(error)}`);
      return;
    }
    matchedAny ||= matched.length > 0;
    if (matched.length === 0 && !kind.optional && !kind.conditional)
      problems.push(`no match for the wildcard ${segment} in ${base}`);
    for (const found of matched) walk(found, index + 1);
  };
  walk("/", 0);
  if (files.length > MAX_GLOB_PATHS)
    problems.push(`the pattern stands for more than ${MAX_GLOB_PATHS} paths`);
  return { files: kind.conditional ? files.filter(entryExists) : files, problems, matchedAny };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** The path with its links resolved, or as given (made absolute) when it cannot be. */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** One Include's walk of directories: a link back into the tree, or a tree too big, ends it with one error. */
interface DirectoryWalk {
  files: number;
  /** Real paths of the directories being read, outermost first. */
  directories: Set<string>;
  stopped: boolean;
}

/**
 * An included directory stands for every file in it and in its subdirectories, each folder's entries
 * in byte order, as Apache reads them; anything else is read as a file, and that read says if it fails.
 */
function withDirectoriesRead(path: string, at: Located, errors: LoadError[], walk: DirectoryWalk): string[] {
  if (walk.stopped) return [];
  const stop = (why: string) => {
    errors.push({ ...at, message: `cannot include ${path}: ${why}` });
    walk.stopped = true;
    return [];
  };
  if (!isDirectory(path)) {
    walk.files += 1;
    return walk.files > MAX_INCLUDED_FILES
      ? stop(`the include holds more than ${MAX_INCLUDED_FILES} files`)
      : [path];
  }
  if (walk.directories.size >= MAX_INCLUDE_DEPTH)
    return stop(`directories nested deeper than ${MAX_INCLUDE_DEPTH}`);
  const real = realPath(path);
  if (walk.directories.has(real)) return stop("a link leads back into a directory already being read");
  let entries: string[];
  try {
    entries = readdirSync(path).sort();
  } catch (error) {
    errors.push({ ...at, message: `cannot include ${path}: ${describeFileError(error)}` });
    return [];
  }
  walk.directories.add(real);
  const files = entries.flatMap((entry) => withDirectoriesRead(join(path, entry), at, errors, walk));
  walk.directories.delete(real);
  return files;
}

export function parseApacheConfig(text: string, file: string): ApacheConfig {
  const errors: LoadError[] = [];
  const roots = { main: dirname(file), server: dirname(file), reading: new Set([realPath(file)]) };
  return { file, root: parse(file, text, roots, errors, 0), errors };
}

/** Directives nearly every Apache config or vhost file holds one of: a file with none is not one. */
const COMMON_DIRECTIVES = new Set(
  [
    "VirtualHost",
    "ServerName",
    "ServerAlias",
    "ServerRoot",
    "Listen",
    "LoadModule",
    "Include",
    "IncludeOptional",
    "IfModule",
    "IfDefine",
    "Define",
    "DocumentRoot",
    "Directory",
    "DirectoryMatch",
    "Location",
    "LocationMatch",
    "Files",
    "FilesMatch",
    "Proxy",
    "ProxyPass",
    "ProxyPassMatch",
    "ProxyPassReverse",
    "ProxyPreserveHost",
    "RequestHeader",
    "Header",
    "RewriteEngine",
    "RewriteCond",
    "RewriteRule",
    "Redirect",
    "RedirectMatch",
    "Alias",
    "WSGIScriptAlias",
    "WSGIDaemonProcess",
    "WSGIProcessGroup",
    "SSLEngine",
    "SSLCertificateFile",
    "RemoteIPHeader",
    "ErrorLog",
    "CustomLog",
    "LogLevel",
    "User",
    "Group",
    "ServerAdmin",
    "Options",
    "AllowOverride",
    "Require",
    "SetEnvIf",
    "ServerTokens",
    "ServerSignature",
    "TraceEnable",
    "KeepAlive",
    "Timeout",
    "PidFile",
    "Mutex",
    "HostnameLookups",
    "LogFormat",
    "SSLProtocol",
    "SSLCipherSuite",
    "RemoteIPTrustedProxy",
    "ProxyRequests",
    "AddDefaultCharset",
    "Macro",
    "Use",
    "If",
    "ElseIf",
    "Else",
  ].map((name) => name.toLowerCase()),
);
/** Module families whose directives share a prefix. */
const COMMON_PREFIX = /^(wsgi|proxy|ssl|remoteip|rewrite|header|log|server)/i;

const isCommon = (directive: ApacheDirective): boolean =>
  COMMON_DIRECTIVES.has(directive.name.toLowerCase()) || COMMON_PREFIX.test(directive.name);

export function loadApacheConfig(file: string): ApacheConfig {
  const source = readConfigSource(file);
  if (!source.ok) return { file, root: [], errors: [source.error] };
  const config = parseApacheConfig(source.text, file);
  // Sections count by their name and by what they hold (an Include is common itself).
  const anyCommon = (level: ApacheDirective[]): boolean =>
    level.some((d) => isCommon(d) || anyCommon(d.children ?? []));
  if (config.root.length > 0 && !anyCommon(config.root))
    config.errors.push({
      file,
      line: config.root[0]!.line,
      message: `no Apache directive proxytrust knows in it (the first line reads as ${quoted(config.root[0]!.name)}): is it an Apache config?`,
    });
  return config;
}

/** Every directive under `directives`, sections and included files opened, in order. */
export function flatten(directives: ApacheDirective[]): ApacheDirective[] {
  return directives.flatMap((d) => [d, ...(d.children ? flatten(d.children) : [])]);
}

export interface VirtualHost {
  section: ApacheDirective;
  /** SSLEngine on inside it, or it listens on :443. */
  tls: boolean;
  /** Every directive inside, sections opened, plus the server-wide ones outside any vhost (inherited). */
  directives: ApacheDirective[];
  /**
   * The sections each of `directives` sits in, outermost first (Include lines are not sections): the
   * vhost's own start with its <VirtualHost>, the inherited ones do not.
   */
  sections: ReadonlyMap<ApacheDirective, ApacheDirective[]>;
}

/** Modules Debian's and the upstream build compile into httpd: no LoadModule line names them. */
const BUILT_IN_MODULES = ["core", "http_core", "so", "watchdog", "log_config", "logio", "version", "unixd"];

/**
 * The names <IfModule> may give the modules the tree's LoadModule lines load ("headers_module" and
 * "mod_headers.c"), with the built-in ones; undefined when the tree is not the server's whole config (a
 * lone vhost file, whose server loads modules elsewhere).
 */
const loadedModules = perConfig((config: ApacheConfig): Set<string> | undefined => {
  const directives = flatten(config.root);
  const loads = directives.filter((d) => is(d, "LoadModule"));
  // httpd refuses to start without an MPM ("No MPM loaded"); Debian, Red Hat and the httpd image load theirs
  // with LoadModule, and a build with one compiled in has a main file that sets ServerRoot. A tree with
  // neither is part of a config (a vhost loading mod_wsgi itself, say): its other modules load elsewhere.
  const mainFile = directives.some(
    (d) => is(d, "ServerRoot") || (is(d, "LoadModule") && /^mpm_/i.test(d.args[0] ?? "")),
  );
  if (loads.length === 0 || !mainFile) return undefined;
  // An Include that read nothing (mods-enabled/*.load left out of a repository, say) may hold the LoadModule
  // lines of modules the audit never saw: the list is then no proof that a module is missing.
  const readNothing = (d: ApacheDirective) =>
    (is(d, "Include") || is(d, "IncludeOptional")) && (d.children?.length ?? 0) === 0;
  if (directives.some(readNothing)) return undefined;
  const names = new Set<string>();
  const add = (module: string) => names.add(`${module}_module`).add(`mod_${module}.c`);
  BUILT_IN_MODULES.forEach(add);
  names.add("core.c").add("http_core.c");
  for (const { args } of loads) {
    const [identifier = "", file = ""] = args.map((a) => a.toLowerCase());
    names.add(identifier);
    add(identifier.replace(/_module$/, ""));
    // The source file, which most modules' .so is named after (mod_wsgi.so for wsgi_module).
    names.add(file.replace(/^.*\//, "").replace(/\.so$/, ".c"));
  }
  return names;
});

/** Whether Apache reads a section's contents: <IfModule> judged by the tree's LoadModule lines, any other as read. */
function isRead(section: ApacheDirective, loaded: Set<string> | undefined): boolean {
  if (!loaded || !is(section, "IfModule")) return true;
  const [, negated, name = ""] = /^(!?)(.*)$/.exec(section.args[0] ?? "") ?? [];
  return loaded.has(name.toLowerCase()) !== (negated === "!");
}

/** Each directive Apache reads, in order, with the sections around it, outermost first. */
function placed(
  directives: ApacheDirective[],
  loaded: Set<string> | undefined,
  around: ApacheDirective[],
  into: Map<ApacheDirective, ApacheDirective[]>,
): Map<ApacheDirective, ApacheDirective[]> {
  for (const d of directives) {
    into.set(d, around);
    if (!d.children || !isRead(d, loaded)) continue;
    const included = is(d, "Include") || is(d, "IncludeOptional");
    placed(d.children, loaded, included ? around : [...around, d], into);
  }
  return into;
}

/** Built once per configuration: most rules start from the same vhosts. */
export const virtualHosts = perConfig((config: ApacheConfig): VirtualHost[] => {
  const global: [ApacheDirective, ApacheDirective[]][] = [];
  const own = new Map<ApacheDirective, [ApacheDirective, ApacheDirective[]][]>();
  for (const entry of placed(config.root, loadedModules(config), [], new Map())) {
    const [directive, sections] = entry;
    const host = is(directive, "VirtualHost") ? directive : sections.find((s) => is(s, "VirtualHost"));
    if (!host) global.push(entry);
    else if (host === directive) own.set(host, []);
    else own.get(host)?.push(entry);
  }
  return [...own].map(([section, inside]) => {
    const sslEngine = inside.findLast(([d]) => is(d, "SSLEngine"))?.[0];
    const tls = sslEngine
      ? sslEngine.args[0]?.toLowerCase() === "on"
      : section.args.some((a) => /:443$/.test(a));
    const sections = new Map([...global, ...inside]);
    return { section, tls, directives: [...sections.keys()], sections };
  });
});
