/**
 * Progress of a fleet scan on stderr: one line rewritten in place on a terminal, plain lines at most
 * every `intervalMs` otherwise (CI logs do not understand carriage returns), and a last line at the end.
 */
import { isSuppressed, type Report } from "../report/model.js";

export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
}

export class FleetProgress {
  private done = 0;
  private failing = 0;
  private unreachable = 0;
  private lastLineAt: number;

  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {
    this.lastLineAt = now();
  }

  private line(): string {
    const width = String(this.total).length;
    return `${String(this.done).padStart(width)}/${this.total} targets scanned, ${this.failing} with failures, ${this.unreachable} could not be scanned`;
  }

  record(report: Report): void {
    this.done += 1;
    if (report.couldNotRun !== undefined) this.unreachable += 1;
    else if (report.checks.some((c) => c.status === "fail" && !isSuppressed(c))) this.failing += 1;
    if (this.sink.isTTY) {
      this.sink.write(`\r\x1b[Kproxytrust: ${this.line()}`);
    } else if (this.now() - this.lastLineAt >= this.intervalMs) {
      this.lastLineAt = this.now();
      this.sink.write(`proxytrust: ${this.line()}\n`);
    }
  }

  /** A line of its own (e.g. a target that could not be scanned), above the progress line on a terminal. */
  note(text: string): void {
    this.sink.write(this.sink.isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
  }

  finish(): void {
    this.sink.write(
      this.sink.isTTY ? `\r\x1b[Kproxytrust: ${this.line()}\n` : `proxytrust: ${this.line()}\n`,
    );
  }
}
