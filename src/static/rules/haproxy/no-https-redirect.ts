import { bindsOf, redirectsPlainToHttps } from "../../haproxy/queries.js";
import { haproxyEntryRoutes } from "../../contract/haproxy-view.js";
import { plainTakenForHttps, unredirectedVerdict } from "../unredirected-plain-http.js";
import { entryLabel, entryPointRule } from "./entry-point-rule.js";

export const haproxyNoHttpsRedirect = entryPointRule(
  {
    id: "haproxy-no-https-redirect",
    clause: "https-redirect",
    severity: "high",
    title: "Plain-HTTP frontend proxies without redirecting to HTTPS",
    explanation:
      "The frontend binds a port without ssl and sends requests straight to the app. Unless Django redirects (SECURE_SSL_REDIRECT, which needs X-Forwarded-Proto to avoid a loop), users stay on plain HTTP: a failure when the settings show Django does not redirect, a warning (the round trip to the app) when it does or when the settings were not given.",
    fix: { haproxy: "http-request redirect scheme https code 301 unless { ssl_fc }" },
  },
  (config, entry, _backends, input) => {
    const plain = bindsOf(entry).filter((b) => !b.ssl);
    if (plain.length === 0 || redirectsPlainToHttps(config, entry)) return undefined;
    const served = `${entryLabel(entry)} serves plain HTTP on ${plain.map((b) => b.address).join(", ")} without redirecting to https`;
    const tlsSomewhere = config.sections.some((s) => bindsOf(s).some((b) => b.ssl));
    if (!tlsSomewhere)
      return {
        status: "warn",
        message: `${served}; fine only if TLS ends in front of HAProxy and redirects there`,
      };
    // A literal https in the header Django reads hides plain HTTP from SECURE_SSL_REDIRECT.
    const { settings } = input;
    return unredirectedVerdict(
      served,
      settings,
      settings && plainTakenForHttps({ ...input, settings }, haproxyEntryRoutes(config, entry)),
    );
  },
);
