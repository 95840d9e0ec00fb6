/** Processes started together to race for something shared (a lock, a cache), and a poll to wait on them. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { expect } from "vitest";
import { repoRoot } from "./shared.ts";

/** `n` processes of the TypeScript `script` (under test/helpers), each given `args` and then its id; each one's exit, with what it wrote to stderr. */
export function startRacers(script: string, args: readonly string[], n: number): { c: ChildProcess; exited: Promise<string> }[] {
  const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
  return Array.from({ length: n }, (_, id) => {
    const c = spawn(tsx, [path.join(repoRoot, "test", "helpers", script), ...args, String(id)], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    c.stderr!.on("data", (b: Buffer) => { stderr += b.toString("utf8"); });
    return { c, exited: new Promise<string>((resolve) => c.on("exit", (code) => resolve(`racer ${id} exit ${code}: ${stderr}`))) };
  });
}

/** Wait (up to a minute or `limitMs`) until `test` holds; a failed expectation naming `what` if it never does. */
export async function until(what: string, test: () => boolean, limitMs = 60_000): Promise<void> {
  for (let i = 0; i < limitMs / 10 && !test(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(test(), what).toBe(true);
}
