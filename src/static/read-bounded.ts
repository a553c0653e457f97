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
    // A regular file's size is true: refuse before reading a byte, and read it into one buffer of its
    // size (one byte more, to see it grew) rather than fixed chunks.
    if (stats.isFile() && stats.size > limit) throw new FileTooLargeError(limit, stats.size);
    const chunks: Buffer[] = [];
    let chunk = Buffer.allocUnsafe(stats.isFile() ? stats.size + 1 : CHUNK_BYTES);
    let filled = 0;
    let total = 0;
    for (;;) {
      if (filled === chunk.length) {
        chunks.push(chunk);
        chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        filled = 0;
      }
      const read = readSync(fd, chunk, filled, chunk.length - filled, null);
      if (read === 0) {
        chunks.push(chunk.subarray(0, filled));
        return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
      }
      filled += read;
      total += read;
      if (total > limit) throw new FileTooLargeError(limit, total);
    }
  } finally {
    closeSync(fd);
  }
}
