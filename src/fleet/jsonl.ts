/** `--jsonl FILE`: one JSON report per line, written as each target finishes, so partial results survive. */
import { closeSync, openSync, writeSync } from "node:fs";
import type { Report } from "../report/model.js";

export class JsonlWriter {
  private readonly fd: number;

  /** Truncates `file`; throws the fs error when it cannot be opened. */
  constructor(file: string) {
    this.fd = openSync(file, "w");
  }

  /** Synchronous, so a line is on disk before the next target's report arrives, even if we crash later. */
  write(report: Report): void {
    writeSync(this.fd, `${JSON.stringify(report)}\n`);
  }

  close(): void {
    closeSync(this.fd);
  }
}
