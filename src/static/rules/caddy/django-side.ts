/** What the Django settings (when the audit has them) say about work a proxy rule would otherwise ask for. */
import type { AuditInput } from "../../rule.js";

/** SECURE_PROXY_SSL_HEADER set on every path: Django reads the scheme header itself, not wsgi.url_scheme. */
export function djangoReadsSchemeHeader(input: AuditInput): boolean {
  const values = input.settings?.values("SECURE_PROXY_SSL_HEADER");
  return (
    values !== undefined && values.length > 0 && values.every((v) => v.kind === "tuple" || v.kind === "list")
  );
}

/** Django sends HSTS on every path: SECURE_HSTS_SECONDS > 0, and it can tell https requests apart. */
export function djangoSendsHsts(input: AuditInput): boolean {
  const values = input.settings?.values("SECURE_HSTS_SECONDS");
  const positive =
    values !== undefined && values.length > 0 && values.every((v) => v.kind === "int" && v.value > 0);
  return positive && djangoReadsSchemeHeader(input);
}
