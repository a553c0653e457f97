/**
 * nginx `if` conditions, read for what decides them: the connection (`$scheme`, `$https`), which is
 * known for TLS and plain requests alike; the peer's address; or the client's own request. A condition
 * on the client's request is decided for an honest client too, one that sends no forwarding headers.
 */
import type { NginxDirective } from "./model.js";

export type Connection = "tls" | "plain";

/** What a condition depends on. */
export type Picker = "connection" | "peer" | "client" | "other";

export interface IfCondition {
  /** As written, without the parentheses: `$scheme = http`. */
  text: string;
  /** In words: `$http_x_forwarded_proto is not empty`, `$scheme is "http"`. */
  words: string;
  picker: Picker;
  directive: NginxDirective;
  /** True or false when the connection (and, for `honest`, an empty client header) decides it; undefined otherwise. */
  holds(connection: Connection, honest: boolean): boolean | undefined;
}

/** Variables that name the peer's address, directly or after the realip module. */
const PEER_VARIABLES = new Set(["remote_addr", "realip_remote_addr", "binary_remote_addr"]);

export function isPeerVariable(name: string): boolean {
  return PEER_VARIABLES.has(name);
}

/** The name of an expression that is one variable and nothing else (`$scheme`, `${scheme}`), lower case. */
export function singleVariable(expression: string): string | undefined {
  const match = /^\$(?:\{(\w+)\}|(\w+))$/.exec(expression.trim());
  return (match?.[1] ?? match?.[2])?.toLowerCase();
}

/** The connection variables' values on each kind of connection. */
export function connectionValue(name: string, connection: Connection): string | undefined {
  if (name === "scheme") return connection === "tls" ? "https" : "http";
  if (name === "https") return connection === "tls" ? "on" : "";
  return undefined;
}

function compare(subject: string, operator: string, operand: string): boolean | undefined {
  switch (operator) {
    case "=":
      return subject === operand;
    case "!=":
      return subject !== operand;
    case "~":
    case "~*":
    case "!~":
    case "!~*":
      try {
        const matches = new RegExp(operand, operator.endsWith("*") ? "i" : "").test(subject);
        return operator.startsWith("!") ? !matches : matches;
      } catch {
        return undefined;
      }
    default:
      return undefined;
  }
}

const OPERATOR_WORDS: Record<string, string> = {
  "=": "is",
  "!=": "is not",
  "~": "matches",
  "~*": "matches",
  "!~": "does not match",
  "!~*": "does not match",
};

function inWords(subject: string, operator: string | undefined, operand: string): string | undefined {
  if (operator === undefined) return `${subject} is not empty`;
  const verb = OPERATOR_WORDS[operator];
  if (!verb) return undefined;
  return `${subject} ${verb} ${operand === "" ? "empty" : `"${operand}"`}`;
}

/**
 * The condition's words without its parentheses. nginx lets each parenthesis touch the word next to it
 * or stand alone (`( $scheme = http )`); operators stand alone (`$scheme=http` is refused).
 */
export function withoutParentheses(args: string[]): string[] {
  const words = [...args];
  if (words[0] === "(") words.shift();
  else if (words[0]?.startsWith("(")) words[0] = words[0].slice(1);
  if (words.at(-1) === ")") words.pop();
  else if (words.length > 0) words[words.length - 1] = words.at(-1)!.replace(/\)$/, "");
  return words;
}

/**
 * Reads an `if` block's condition. `classify` says what a variable depends on (the variable index knows
 * maps, geos and sets); connection and peer variables are known here.
 */
export function ifCondition(directive: NginxDirective, classify: (variable: string) => Picker): IfCondition {
  const args = withoutParentheses(directive.args);
  const [subject = "", operator, operand = ""] = args;
  const variable = singleVariable(subject);
  const text = args.map((arg) => (arg === "" ? '""' : arg)).join(" ");
  const picker: Picker = !variable
    ? "other"
    : connectionValue(variable, "tls") !== undefined
      ? "connection"
      : isPeerVariable(variable)
        ? "peer"
        : classify(variable);
  const holds = (connection: Connection, honest: boolean): boolean | undefined => {
    if (!variable) return undefined;
    const value =
      picker === "connection"
        ? connectionValue(variable, connection)
        : picker === "client" && honest
          ? ""
          : undefined;
    if (value === undefined) return undefined;
    return operator === undefined ? value !== "" && value !== "0" : compare(value, operator, operand);
  };
  return { text, words: inWords(subject, operator, operand) ?? text, picker, directive, holds };
}

/**
 * Whether an `if` on `$host` holds for a request to `host`; undefined for a condition on anything else. nginx's
 * $host is the name in lower case without the port, unlike $http_host, which the client spells as it likes.
 */
export function holdsForHost(directive: NginxDirective, host: string): boolean | undefined {
  const [subject = "", operator, operand = ""] = withoutParentheses(directive.args);
  if (singleVariable(subject) !== "host" || operator === undefined) return undefined;
  return compare(host.toLowerCase(), operator, operand);
}

/** The condition in words, with the `if` it belongs to: `$scheme is "http" (if at nginx.conf:12)`. */
export function describeCondition(condition: IfCondition): string {
  return `${condition.words} (if at ${condition.directive.file}:${condition.directive.line})`;
}
