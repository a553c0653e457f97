/**
 * A static rule: pure function over parsed configs, with its metadata beside it
 * (one module a rule, like ESLint). The audit turns findings into report checks.
 */
import type { ClauseId, FixTarget } from "../clauses.js";
import type { Severity, SourceLocation } from "../report/model.js";
import type { DjangoSettings } from "./python/settings-model.js";
import type { NginxConfig } from "./nginx/model.js";
import type { CaddyConfig } from "./caddy/model.js";
import type { HaproxyConfig } from "./haproxy/model.js";
import type { GunicornConfig } from "./gunicorn/model.js";
import type { AppServerConfig } from "./appserver/model.js";
import type { LoadError } from "./caddy/config-source.js";
import type { ApacheConfig } from "./apache/model.js";

export interface StaticRuleMeta {
  /** Stable public id, e.g. "nginx-xfp-passthrough". */
  id: string;
  clause: ClauseId;
  severity: Severity;
  title: string;
  /** Why it matters, a few sentences. */
  explanation: string;
  /** The fix, written for the side the rule is about (and the other side where both must change). */
  fix: Partial<Record<FixTarget, string>>;
  /** Django's own `check --deploy` id, where the rule covers one (e.g. "security.W004"). */
  djangoCheck?: string;
}

export interface RuleFinding {
  status: "fail" | "warn" | "error";
  message: string;
  location: SourceLocation;
}

/** Everything the audit could read; each rule uses what it needs and returns [] when its input is absent. */
export interface AuditInput {
  settings?: DjangoSettings;
  nginx?: NginxConfig;
  caddy?: CaddyConfig;
  haproxy?: HaproxyConfig;
  gunicorn?: GunicornConfig;
  apache?: ApacheConfig;
  /** uvicorn, daphne, uWSGI and waitress found by `--app-server` (gunicorn lands in `gunicorn`). */
  appServers?: AppServerConfig[];
  /** Problems reading the `--app-server` file that belong to no one server. */
  appServerErrors?: LoadError[];
}

export interface StaticRule {
  meta: StaticRuleMeta;
  check(input: AuditInput): RuleFinding[];
}
