/**
 * Where a fetched file goes: where the config's own source globs will read it, under the name
 * the publisher gives it. `data/police/*\/*-street.csv` puts `2024-01-kent-street.csv` in
 * `data/police/2024-01/`; a plain path (no wildcard) is the destination itself.
 */
import path from "node:path";
import { LocalneedsError, messages } from "../pipelines/core/messages.ts";

const WILD = /[*?[]/;

/** A glob as a regular expression over `/`-separated paths (`**` any depth, `*` and `?` within a folder). */
export function globToRegExp(pattern: string): RegExp {
  const p = pattern.split(path.sep).join("/");
  let re = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*" && p[i + 1] === "*") {
      re += p[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += p[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = p.indexOf("]", i);
      re += end > i ? p.slice(i, end + 1) : "\\[";
      i = end > i ? end : i;
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The folder of a glob before its first wildcard, and the rest of the pattern. */
export function splitGlob(pattern: string): { folder: string; rest: string } {
  const parts = pattern.split(/[\\/]/);
  const i = parts.findIndex((x) => WILD.test(x));
  if (i < 0) return { folder: path.dirname(pattern), rest: path.basename(pattern) };
  return { folder: parts.slice(0, i).join("/") || "/", rest: parts.slice(i).join("/") };
}

/**
 * The path a fetched file takes so that `patterns` (the config's globs for its slot, `key`) read
 * it. `name` is the publisher's file name; `subfolder` the publisher's folder (police.uk's
 * `2024-01`), used when the glob reads a level of folders. Throws when no glob would read it.
 */
export function destinationFor(patterns: readonly string[] | undefined, key: string, what: string, name: string, subfolder?: string): string {
  if (!patterns?.length) throw new LocalneedsError(messages.fetchNoDestination(what, key));
  const tried: string[] = [];
  for (const pattern of patterns) {
    if (!WILD.test(pattern)) {
      if (patterns.length === 1 || path.basename(pattern) === name) return pattern;
      continue;
    }
    const { folder, rest } = splitGlob(pattern);
    const candidates = rest.includes("/") && subfolder ? [path.join(folder, subfolder, name), path.join(folder, name)] : [path.join(folder, name)];
    for (const c of candidates) {
      tried.push(c);
      if (globToRegExp(pattern).test(c.split(path.sep).join("/"))) return c;
    }
  }
  throw new LocalneedsError(messages.fetchNotMatched(tried[0] ?? name, key, patterns));
}
