/** Where the real public samples and reference values live: `../shared` beside the checkout. */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

/** Repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** `../shared` beside the checkout (may be absent on a bare clone). */
export const sharedDir = path.resolve(repoRoot, "../shared");
/** True when `../shared` is present; tests that need it use `describe.skipIf(!hasShared)`. */
export const hasShared = existsSync(path.join(sharedDir, "data", "real"));
/** The reason printed in a skipped test's name. */
export const sharedSkipReason = hasShared ? "" : " (skipped: ../shared/data/real not found beside the checkout)";
/** Path inside `../shared/data/real`. */
export const realData = (...p: string[]) => path.join(sharedDir, "data", "real", ...p);
/** Path inside `../shared/reference`. */
export const referenceFile = (...p: string[]) => path.join(sharedDir, "reference", ...p);
