/** Reads a file with a bound on memory: bytes past the limit are never loaded, whatever stat says. */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

const CHUNK_BYTES = 4 * 1024 * 1024;

/** The file was larger than the limit; `bytes` is its size, or how much was read before giving up. */
export class FileTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly bytes: number,
  ) {
    super(`file is ${bytes} bytes or more, over the ${limit / 1024 / 1024} MB limit for one config file`);
  }
}

/** The whole file, or FileTooLargeError once it passes `limit` bytes (sizes of special files lie). */
export function readAtMost(file: string, limit: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const stats = fstatSync(fd);
    // A regular file's size is true: refuse before reading a byte.
    if (stats.isFile() && stats.size > limit) throw new FileTooLargeError(limit, stats.size);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) return Buffer.concat(chunks, total);
      total += read;
      if (total > limit) throw new FileTooLargeError(limit, total);
      chunks.push(read === CHUNK_BYTES ? chunk : chunk.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
}
