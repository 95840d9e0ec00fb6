/** One checker for closed option lists, with a precise message (observablehq/plot `keyword`). */
import { messages } from "../pipelines/core/messages.ts";

/** Return `value` if it is one of `allowed`, else throw naming what, where and the choices. */
export function keyword<T extends string>(value: unknown, allowed: readonly T[], what: string, owner: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(messages.invalidOption(what, String(value), owner, allowed));
}
