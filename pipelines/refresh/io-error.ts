/**
 * I/O failures (a full disk, a read-only folder, a file where a folder should be) as clear
 * messages that name the path and the cause, from Node's errno errors and DuckDB's `IO Error`s.
 */
import { IO_CAUSES, LocalneedsError, messages } from "../core/messages.ts";

/** The verb for each system call. */
const OPERATIONS: Record<string, string> = {
  open: "open", write: "write", read: "read", mkdir: "create the folder", rename: "rename", unlink: "remove",
  rmdir: "remove the folder", rm: "remove", copyfile: "copy", cp: "copy", link: "link", symlink: "link", scandir: "list the folder",
  stat: "look at", lstat: "look at", close: "finish writing", fsync: "finish writing", utime: "stamp",
};

/**
 * The user-facing error for an I/O failure `err`, or null when `err` is not one (or is already a
 * LocalneedsError). Keeps `err` as its `cause`.
 */
export function ioFailure(err: unknown): LocalneedsError | null {
  if (err instanceof LocalneedsError || !(err instanceof Error)) return null;
  const e = err as NodeJS.ErrnoException & { dest?: string };
  if (e.code && e.path && IO_CAUSES[e.code]) {
    const op = OPERATIONS[e.syscall ?? ""] ?? e.syscall ?? "use";
    const file = e.dest ? `${e.path} to ${e.dest}` : e.path;
    return Object.assign(new LocalneedsError(messages.ioFailed(op, file, e.code)), { cause: err });
  }
  const duck = /^IO Error: (.*)/.exec(e.message);
  if (duck) return Object.assign(new LocalneedsError(messages.duckdbIoFailed(duck[1]!.split("\n")[0]!)), { cause: err });
  return null;
}
