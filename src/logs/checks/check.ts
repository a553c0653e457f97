/** The shape of a request-log check: a pure judgement over the traffic the log shows. */
import type { ClauseId } from "../../clauses.js";
import type { Exchange, Severity, Status } from "../../report/model.js";
import type { Traffic } from "../traffic.js";

export interface LogJudgement {
  /** The result's id (default: the check's). */
  id?: string;
  clause?: ClauseId;
  status: Status;
  summary: string;
  evidence: Exchange[];
  /** The log line the result points at. */
  line?: number;
}

export interface LogCheck {
  id: string;
  clause: ClauseId;
  severity: Severity;
  title: string;
  /** One judgement, or one per header found. */
  judge(traffic: Traffic): LogJudgement[];
}
