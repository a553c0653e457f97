/** Reading a file the user or a config names: regular files only, with a bound on memory. */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";

const CHUNK_BYTES = 4 * 1024 * 1024;

/** The limit for one config file of any kind: real ones are kilobytes, and the parsers must stay fast. */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;

/** The file was larger than the limit; `bytes` is its size, or how much was read before giving up. */
export class FileTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly bytes: number,
  ) {
    super(`file is ${bytes} bytes or more, over the ${formatLimit(limit)} limit for one file`);
  }
}

/** A directory, FIFO, socket or device: reading it could block for ever or never end. */
export class NotRegularFileError extends Error {}

function formatLimit(limit: number): string {
  return limit >= 1024 * 1024 ? `${limit / 1024 / 1024} MB` : `${limit} byte`;
}

export interface ReadOptions {
  /**
   * Also read a pipe or device, to its end or the limit: for a file the user names on the command
   * line (`merge <(…)`, `--targets /dev/stdin`). A file a config names must be a regular file.
   */
  streams?: boolean;
}

/** The whole file, or FileTooLargeError once it passes `limit` bytes; NotRegularFileError unless it is a regular file. */
export function readAtMost(file: string, limit: number, { streams = false }: ReadOptions = {}): Buffer {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, deaf to signals. A
  // stream the user named is opened as `cat` would, to wait for its data (closing and opening it
  // again would drop what a writer had already put in the pipe).
  const stream = streams && !statSync(file).isFile();
  const fd = openSync(file, stream ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new NotRegularFileError("is a directory");
    if (!stats.isFile() && !stream) throw new NotRegularFileError("not a regular file");
    // A true size is refused before reading a byte and read into one buffer of its size (one byte
    // more, to see it grew); /proc files say 0 and are read in chunks up to the limit.
    if (stats.size > limit) throw new FileTooLargeError(limit, stats.size);
    const chunks: Buffer[] = [];
    let chunk = Buffer.allocUnsafe(stats.size > 0 ? stats.size + 1 : CHUNK_BYTES);
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

/** The file as UTF-8 text; the same errors as readAtMost. */
export function readTextFile(file: string, limit: number, options: ReadOptions = {}): string {
  return readAtMost(file, limit, options).toString("utf8");
}
