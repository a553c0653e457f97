/** The addresses the app servers given to the audit listen on, in one comparable form. */
import type { AuditInput } from "../rule.js";
import { endpointKey } from "../gunicorn/addresses.js";
import { bindAddresses } from "../gunicorn/queries.js";

/**
 * Where the app server Django runs under listens, as endpointKey()s one a line ("" when the audit has
 * no app server): what tells Django's upstream from a front end's.
 */
export function appServerEndpoints(input: AuditInput): string {
  const binds = [
    ...(input.gunicorn ? bindAddresses(input.gunicorn) : []),
    ...(input.appServers ?? []).flatMap((server) => [...server.binds.value, ...(server.otherBinds ?? [])]),
  ];
  const keys = binds.map(endpointKey).filter((key): key is string => key !== undefined);
  return [...new Set(keys)].sort().join("\n");
}
