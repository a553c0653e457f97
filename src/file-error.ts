/** A file system error in words, for one-line messages ("no such file", not ENOENT). */
const WORDS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "a part of the path is not a directory",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  EMFILE: "too many open files",
  EBADF: "the file descriptor is not open",
};

/** `writing`: the file was being created, where ENOENT means the directory takes no new file (e.g. /proc). */
export function describeFileError(err: unknown, { writing = false }: { writing?: boolean } = {}): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (writing && code === "ENOENT") return "no file can be created there";
  if (code && WORDS[code]) return WORDS[code];
  return (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
}
