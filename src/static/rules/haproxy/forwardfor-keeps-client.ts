import type { AuditInput, RuleFinding, StaticRule } from "../../rule.js";
import { backendsOf, httpEntryPoints, optionOf } from "../../haproxy/queries.js";
import { clientCopySurvives } from "./client-copy.js";

export const haproxyForwardforKeepsClient: StaticRule = {
  meta: {
    id: "haproxy-forwardfor-keeps-client",
    clause: "client-ip",
    severity: "medium",
    title: "option forwardfor keeps the client's X-Forwarded-For first",
    explanation:
      "`option forwardfor` appends the peer address as a new X-Forwarded-For header after any the client sent, so the leftmost entry (what most Django code reads) is the client's choice. With `if-none` HAProxy adds nothing at all when the client sent one.",
    fix: { haproxy: "http-request del-header X-Forwarded-For\noption forwardfor" },
  },
  check(input: AuditInput): RuleFinding[] {
    const config = input.haproxy;
    if (!config) return [];
    return httpEntryPoints(config).flatMap((entry): RuleFinding[] => {
      const option = optionOf(config, entry, "forwardfor");
      if (!option) return [];
      const stillThere = backendsOf(config, entry).some((b) =>
        clientCopySurvives(entry, b, ["X-Forwarded-For"]),
      );
      if (!stillThere) return [];
      const ifNone = option.args.includes("if-none");
      return [
        {
          status: ifNone ? "fail" : "warn",
          message: ifNone
            ? `option forwardfor if-none keeps a client-sent X-Forwarded-For as it is (frontend ${entry.name ?? ""})`
            : `option forwardfor appends after the client's X-Forwarded-For; nothing deletes it first (frontend ${entry.name ?? ""})`,
          location: { file: option.file, line: option.line },
        },
      ];
    });
  },
};
