/** Django told to read a proxy's scheme header while gunicorn terminates TLS itself, so no proxy can set it. */
import type { RuleFinding, StaticRule } from "../../rule.js";
import { where } from "../../contract/scheme.js";
import { candidates, judgedOn } from "../../python/settings-queries.js";

const NAME = "SECURE_PROXY_SSL_HEADER";

export const proxySslHeaderWithGunicornTls: StaticRule = {
  meta: {
    id: "contract-proxy-ssl-header-with-gunicorn-tls",
    clause: "scheme",
    severity: "medium",
    title: "SECURE_PROXY_SSL_HEADER is set while gunicorn terminates TLS",
    explanation:
      "With certfile, gunicorn speaks TLS itself and sets wsgi.url_scheme to https; whatever stands in front can only pass TLS through and cannot add headers. Django still reads the header SECURE_PROXY_SSL_HEADER names, and when it is present it wins over wsgi.url_scheme: the only copy that can arrive is the client's own, so the client decides the scheme Django sees.",
    fix: {
      django:
        "Remove SECURE_PROXY_SSL_HEADER (or set it to None): gunicorn's TLS already makes request.is_secure() true.",
      nginx:
        "nginx passing TLS through (stream { server { listen 443; proxy_pass app:8443; } }) sets no headers; remove SECURE_PROXY_SSL_HEADER in Django.",
      caddy:
        "Caddy's reverse_proxy terminates TLS itself; to pass TLS through to gunicorn use a layer-4 proxy and remove SECURE_PROXY_SSL_HEADER in Django.",
      haproxy: "mode tcp passes TLS through and sets no headers; remove SECURE_PROXY_SSL_HEADER in Django.",
      gunicorn:
        "Or terminate TLS at the proxy instead and drop certfile/keyfile, then keep SECURE_PROXY_SSL_HEADER.",
    },
  },
  check(input): RuleFinding[] {
    const { settings, gunicorn } = input;
    const certfile = gunicorn?.certfile;
    if (!settings || !certfile?.values.some((v) => v.kind === "known")) return [];
    return candidates(settings, NAME)
      .filter((c) => c.value.kind === "tuple" || c.value.kind === "list")
      .map((c): RuleFinding => ({
        status: "warn",
        message: `${c.label}, but gunicorn terminates TLS itself (certfile, ${where(certfile)}): no proxy can set the header, so only a client's copy reaches Django and decides its scheme${judgedOn(c)}.`,
        // At the setting, column included, as the Django rules locate theirs.
        location: settings.locate(NAME),
      }));
  },
};
