/**
 * proxytrust.config.json: targets, scan defaults, the failing threshold and suppressions. The zod
 * schema is the only definition; schema/proxytrust.config.schema.json is generated from it.
 */
import { z } from "zod";
import { CLAUSE_IDS, PROXY_KINDS } from "../clauses.js";
import { MappingSyntaxError, parseConnectTo, parseResolve } from "../transport/mapping.js";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .refine(isHttpUrl, "not an http:// or https:// URL (without credentials)")
  .meta({ format: "uri" });

const path = z.string().startsWith("/", "expected a path starting with /");
const seconds = z.number().positive().max(3600);

/** A curl-style mapping, checked by the same parser as the command line option. */
function mapping(parse: (spec: string) => unknown, example: string) {
  return z
    .string()
    .superRefine((spec, ctx) => {
      try {
        parse(spec);
      } catch (err) {
        if (!(err instanceof MappingSyntaxError)) throw err;
        ctx.addIssue({ code: "custom", message: err.message });
      }
    })
    .meta({ description: `as curl, e.g. "${example}"` });
}

/** Settings of one scan; `defaults` holds them for every target and each target may override them. */
const scanSettings = z.strictObject({
  resolve: z.array(mapping(parseResolve, "app.example.com:443:10.0.0.5")).optional(),
  connectTo: z.array(mapping(parseConnectTo, "app.example.com:443:staging.internal:8443")).optional(),
  cacert: z.string().min(1).optional().meta({ description: "PEM file, relative to the config file" }),
  insecure: z.boolean().optional(),
  timeout: seconds.optional().meta({ description: "seconds per request" }),
  maxTime: seconds.optional().meta({ description: "seconds for a whole scan of one target" }),
  headers: z.array(z.string()).optional().meta({ description: "'Name: value', sent with every probe" }),
  cookiePath: path.optional(),
  csrfPath: path.optional(),
  csrfPost: path.optional(),
  healthPaths: z.array(path).optional(),
  origin: httpUrl.optional().meta({ description: "the app server's own address" }),
  proxy: z.enum(PROXY_KINDS).optional(),
  probePath: path.optional(),
});

const targetEntry = scanSettings.extend({ url: httpUrl });

const suppression = z
  .strictObject({
    clause: z.enum(CLAUSE_IDS).optional(),
    rule: z.string().min(1).optional().meta({ description: "a static audit rule id" }),
    target: z.string().min(1).optional().meta({ description: "only results about this target" }),
    reason: z.string().trim().min(1, "a reason is required"),
    expires: z.iso.date("expected an ISO date, e.g. 2025-12-31").optional(),
  })
  .refine((s) => (s.clause === undefined) !== (s.rule === undefined), "give exactly one of clause or rule");

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  targets: z.array(z.union([httpUrl, targetEntry])).optional(),
  defaults: scanSettings.optional(),
  failOn: z.enum(["fail", "warn", "error"]).optional(),
  suppressions: z.array(suppression).optional(),
  concurrency: z.int().min(1).max(256).optional().meta({ description: "targets scanned at once" }),
  perHost: z.int().min(1).max(64).optional().meta({ description: "requests in flight per host" }),
  perHostDelay: z
    .int()
    .min(0)
    .max(60_000)
    .optional()
    .meta({ description: "milliseconds between requests to one host" }),
});

export type ProxytrustConfig = z.infer<typeof configSchema>;
export type ScanSettings = z.infer<typeof scanSettings>;
export type TargetEntry = z.infer<typeof targetEntry>;
export type SuppressionRule = z.infer<typeof suppression>;
