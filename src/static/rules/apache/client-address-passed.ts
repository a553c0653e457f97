/**
 * Apache at the edge passes the client's own X-Forwarded-For and X-Real-IP to the app (mod_proxy_http
 * appends the real peer after the client's entries); under mod_wsgi they arrive as HTTP_X_FORWARDED_FOR
 * and HTTP_X_REAL_IP, untouched. An app (or a package such as django-ipware) that reads them believes
 * a forged address.
 */
import { is } from "../../apache/model.js";
import { appHosts, requestHeaderFate, at, describeHost } from "../../apache/queries.js";
import type { RuleFinding, StaticRule } from "../../rule.js";
import { describeMount } from "./shared.js";

const CLIENT_ADDRESS_HEADERS = ["X-Forwarded-For", "X-Real-IP"];

export const apacheClientAddressPassed: StaticRule = {
  meta: {
    id: "apache-client-address-passed",
    clause: "client-ip",
    severity: "medium",
    title: "The client's X-Forwarded-For or X-Real-IP reaches the app",
    explanation:
      "When Apache is the first server the client talks to, every X-Forwarded-For or X-Real-IP it receives was written by the client. mod_proxy_http keeps the client's X-Forwarded-For entries and appends the real peer after them; mod_wsgi hands both headers to Django as they came. Apps, rate limiters and audit logs that read the leftmost entry believe a forged address.",
    fix: {
      apache: "RequestHeader unset X-Forwarded-For early\nRequestHeader unset X-Real-IP early",
      mod_wsgi: "Use REMOTE_ADDR, which mod_wsgi takes from the connection (or from mod_remoteip).",
      django: "Read the client address from REMOTE_ADDR, or from the rightmost X-Forwarded-For entry.",
    },
  },
  check(input): RuleFinding[] {
    if (!input.apache) return [];
    return appHosts(input.apache).flatMap((app): RuleFinding[] => {
      // Behind a proxy of its own (mod_remoteip), Apache's X-Forwarded-For is that proxy's: appending is right.
      if (app.host.directives.some((d) => is(d, "RemoteIPHeader"))) return [];
      const kept = CLIENT_ADDRESS_HEADERS.filter(
        (header) => requestHeaderFate(app, header).kind === "client",
      );
      if (kept.length === 0) return [];
      return [
        {
          status: "warn",
          message: `${describeHost(app.host)} ${describeMount(app)} and leaves the client's own ${kept.join(" and ")} in place: an app that reads ${kept.length > 1 ? "them" : "it"} believes a forged address.`,
          location: at(app.mount.at),
        },
      ];
    });
  },
};
