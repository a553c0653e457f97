import type { PossibleValue } from "./settings-model.js";
import { bool, int, str } from "./values.js";

const EMPTY_LIST: PossibleValue = { kind: "list", items: [] };

/** Django's global defaults (django/conf/global_settings.py) for the settings the rules read. */
export const DJANGO_DEFAULTS: ReadonlyMap<string, PossibleValue> = new Map<string, PossibleValue>([
  ["DEBUG", bool(false)],
  ["SECRET_KEY", str("")],
  ["ALLOWED_HOSTS", EMPTY_LIST],
  ["MIDDLEWARE", EMPTY_LIST],
  ["SECURE_PROXY_SSL_HEADER", { kind: "none" }],
  ["USE_X_FORWARDED_HOST", bool(false)],
  ["USE_X_FORWARDED_PORT", bool(false)],
  ["CSRF_TRUSTED_ORIGINS", EMPTY_LIST],
  ["SECURE_SSL_REDIRECT", bool(false)],
  ["SECURE_REDIRECT_EXEMPT", EMPTY_LIST],
  ["SECURE_HSTS_SECONDS", int(0)],
  ["SECURE_HSTS_INCLUDE_SUBDOMAINS", bool(false)],
  ["SECURE_HSTS_PRELOAD", bool(false)],
  ["SESSION_COOKIE_SECURE", bool(false)],
  ["SESSION_COOKIE_HTTPONLY", bool(true)],
  ["SESSION_COOKIE_SAMESITE", str("Lax")],
  ["CSRF_COOKIE_SECURE", bool(false)],
  ["CSRF_COOKIE_HTTPONLY", bool(false)],
  ["CSRF_COOKIE_SAMESITE", str("Lax")],
  ["CSRF_USE_SESSIONS", bool(false)],
  ["X_FRAME_OPTIONS", str("DENY")],
  ["SECURE_REFERRER_POLICY", str("same-origin")],
  ["SECURE_CONTENT_TYPE_NOSNIFF", bool(true)],
  ["SECURE_CROSS_ORIGIN_OPENER_POLICY", str("same-origin")],
]);
