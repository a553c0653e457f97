/** The shape of a live clause check: a pure judgement over captured evidence. */
import type { ClauseId } from "../../clauses.js";
import type { Severity, Status } from "../../report/model.js";
import type { Captured, ScanEvidence } from "../evidence.js";

export interface Judgement {
  status: Status;
  summary: string;
  /** The exchanges that decided it, most telling first. */
  evidence: Captured[];
  /** Client-sent header names that reached the app and changed its answer, as sent: the fix removes them. */
  headersThrough?: string[];
}

/** The header name of a probe's header line: "http X_Forwarded_Host: x" gives "X_Forwarded_Host". */
export function headerNameOf(line: string): string {
  return line.replace(/^https? /, "").split(":")[0] ?? line;
}

export interface LiveCheck {
  /** The result's id when a clause has more than one check (default: the clause id). */
  id?: string;
  clause: ClauseId;
  /** Checks of optional scan features are left out of the report unless their evidence was collected. */
  appliesTo?(evidence: ScanEvidence): boolean;
  severity: Severity;
  judge(evidence: ScanEvidence): Judgement;
}

export function describeOutcome(captured: Captured | undefined): string {
  if (!captured) return "not sent";
  if (captured.error) return captured.error;
  const response = captured.response;
  if (!response) return "no response";
  const location = response.headers.find(([n]) => n.toLowerCase() === "location")?.[1];
  return location ? `${response.status} -> ${location}` : `${response.status}`;
}

/** The captured exchanges that exist, without repeats, in the order given. */
export function present(...items: (Captured | undefined)[]): Captured[] {
  return items.filter((c, i): c is Captured => c !== undefined && items.indexOf(c) === i);
}

/** Django's CSRF refusal: 403, from the stock failure view (a custom CSRF_FAILURE_VIEW is rare). */
export function refused(captured: Captured | undefined): boolean {
  return captured?.response?.status === 403;
}

/** A proxy's 502, 503 or 504: the app gave no answer of its own, so it neither refused nor accepted. */
export function gatewayError(captured: Captured | undefined): boolean {
  const status = captured?.response?.status;
  return status === 502 || status === 503 || status === 504;
}

/** No answer in time: an overloaded or silent server, which proves neither a refusal nor an acceptance. */
export function timedOut(captured: Captured | undefined): boolean {
  return captured?.noAnswer === true;
}
