/** What the Django settings (when the audit has them) say about work a proxy rule would otherwise ask for. */
import type { AuditInput } from "../../rule.js";

/** SECURE_PROXY_SSL_HEADER set on every path: Django reads the scheme header itself, not wsgi.url_scheme. */
export function djangoReadsSchemeHeader(input: AuditInput): boolean {
  const values = input.settings?.values("SECURE_PROXY_SSL_HEADER");
  return (
    values !== undefined && values.length > 0 && values.every((v) => v.kind === "tuple" || v.kind === "list")
  );
}

/** SECURE_HSTS_SECONDS > 0 on every path: Django sends HSTS on the requests it knows are https. */
export function djangoHstsPositive(input: AuditInput): boolean {
  const values = input.settings?.values("SECURE_HSTS_SECONDS");
  return values !== undefined && values.length > 0 && values.every((v) => v.kind === "int" && v.value > 0);
}
