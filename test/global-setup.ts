/**
 * vitest globalSetup: when any selected test file uses the shared demo build (`sharedDemo` or
 * `copySharedDemo` from `helpers/demo-build.ts`), build the demo once, in a child process that
 * runs beside the first test files, into a temporary folder handed to the files with
 * `provide("sharedDemoDir")`. Teardown waits for the build, fails the run if a test wrote into
 * the shared folder, and removes it.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { SHARED_FAILED, SHARED_READY, SHARED_SNAPSHOT, treeSnapshot } from "./helpers/demo-layout.ts";
import { repoRoot } from "./helpers/shared.ts";

const TSX_CLI = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
const USES_SHARED = /\b(?:sharedDemo|copySharedDemo)\(/;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  // The command line's file filters (vitest keeps them as `filenamePattern`, not in its typings).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const { testFiles } = await project.globTestFiles(filters);
  if (!testFiles.some((f) => USES_SHARED.test(readFileSync(f, "utf8")))) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), "localneeds-shared-demo-"));
  project.provide("sharedDemoDir", dir);
  const child = spawn(process.execPath, [TSX_CLI, path.join(repoRoot, "test", "helpers", "build-shared-demo.ts"), dir], {
    cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, TZ: "UTC" },
  });
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      if (!existsSync(path.join(dir, SHARED_READY)) && !existsSync(path.join(dir, SHARED_FAILED))) {
        writeFileSync(path.join(dir, SHARED_FAILED), `the build process ended (exit ${code}, signal ${signal}) without finishing`);
      }
      resolve();
    });
  });
  return async () => {
    await exited;
    try {
      const snapshot = path.join(dir, SHARED_SNAPSHOT);
      if (!existsSync(snapshot)) return;
      const before = JSON.parse(readFileSync(snapshot, "utf8")) as Record<string, string>;
      const after = treeSnapshot(dir, [SHARED_READY, SHARED_SNAPSHOT]);
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]).sort();
      if (changed.length) throw new Error(`tests wrote into the shared demo build, which is read-only (copy it with copySharedDemo()): ${changed.slice(0, 10).join(", ")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
