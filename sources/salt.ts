/**
 * The salt personal keys are hashed with (issue 17): complaint case references, UPRNs and
 * postcodes, survey respondent IDs. It is kept outside the warehouse, in `.localneeds-salt`
 * beside the warehouse file (created once, random, readable by its owner only), so that the
 * warehouse alone cannot be used to test guesses of an ID, while a refresh hashes the same key
 * the same way. An in-memory warehouse (tests) gets one random salt per process.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Context } from "../pipelines/core/context.ts";

let processSalt: string | undefined;

/** The salt file of a warehouse path (`<folder>/.localneeds-salt`). */
export const saltFile = (warehouse: string) => path.join(path.dirname(warehouse), ".localneeds-salt");

/** The salt for a load: the warehouse's salt file (made on first use), or a per-process one in memory. */
export async function saltFor(ctx: Partial<Pick<Context, "config">>): Promise<string> {
  const warehouse = ctx.config?.warehouse;
  if (!warehouse || warehouse === ":memory:") return (processSalt ??= randomBytes(32).toString("hex"));
  const file = saltFile(warehouse);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    } catch (err) {
      // Another run made it first: read theirs.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return readFileSync(file, "utf8").trim();
}
