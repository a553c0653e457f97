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
      for (const backend of backendsOf(config, entry)) {
        // HAProxy adds the header when the frontend or the backend asks for it, and skips it for a
        // client-sent one (if-none) only when neither asks without if-none.
        const options = (backend === entry ? [entry] : [entry, backend]).flatMap((section) => {
          const directive = optionOf(config, section, "forwardfor");
          return directive ? [{ section, directive }] : [];
        });
        if (options.length === 0 || !clientCopySurvives(config, entry, backend, ["X-Forwarded-For"]))
          continue;
        const always = options.find((o) => !o.directive.args.includes("if-none"));
        const ifNone = !always;
        const { section, directive: option } = always ?? options[0]!;
        const where =
          section === entry
            ? `frontend ${entry.name ?? ""}`
            : `backend ${backend.name ?? ""}, behind frontend ${entry.name ?? ""}`;
        return [
          {
            status: ifNone ? "fail" : "warn",
            message: ifNone
              ? `option forwardfor if-none keeps a client-sent X-Forwarded-For as it is (${where})`
              : `option forwardfor appends after the client's X-Forwarded-For; nothing deletes it first (${where})`,
            location: { file: option.file, line: option.line },
          },
        ];
      }
      return [];
    });
  },
};
