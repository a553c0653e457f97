import type { StaticRule } from "../../rule.js";
import { finding } from "./shared.js";

export const configError: StaticRule = {
  meta: {
    id: "nginx-config-error",
    clause: "hygiene",
    severity: "info",
    title: "Part of the nginx configuration could not be read",
    explanation:
      "A syntax error, a misspelt directive or an include that could not be read means the audit judged less than the whole configuration; nginx itself would refuse to start with most of these.",
    fix: {
      nginx:
        "Run nginx -t on the deployed configuration, or audit the output of nginx -T, which holds every included file.",
    },
  },
  check(input) {
    if (!input.nginx) return [];
    return input.nginx.errors.map((error) =>
      finding("error", `${error.kind} error: ${error.message}`, error),
    );
  },
};
