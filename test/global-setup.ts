/**
 * vitest globalSetup: the builds that several test files read are made once per run, each in a
 * child process that runs beside the first test files, into a temporary folder handed to the
 * files with `provide(key)`: the demo (`sharedDemo()` or `copySharedDemo()` from
 * `helpers/demo-build.ts`), the lighter demo from its inputs once it is done
 * (`copySharedLight()`) and, when `../shared` is present, the real Medway config (`sharedMedway()`
 * from `helpers/medway.ts`). A build is made only when a selected test file calls its function. Teardown waits for the builds, fails the run if a test wrote into a shared
 * folder, and removes them. Every temporary folder of the run (the adapter tests' geography
 * templates among them) is made in one folder of the run (`TMPDIR`), removed at the end.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { SHARED_FAILED, SHARED_READY, SHARED_SNAPSHOT, treeSnapshot } from "./helpers/demo-layout.ts";
import { hasShared, repoRoot } from "./helpers/shared.ts";

const TSX_CLI = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");

/** The shared builds: the key the folder is provided under, who uses it, the script that builds it. */
const SHARED_BUILDS = [
  { key: "sharedDemoDir", name: "demo", uses: /\b(?:sharedDemo|copySharedDemo|copySharedLight)\(/, script: "build-shared-demo.ts", needs: true },
  { key: "sharedMedwayDir", name: "medway", uses: /\bsharedMedway\(/, script: "build-shared-medway.ts", needs: hasShared },
  // The lighter demo, built from the demo's inputs once that build is done (its folder is the second argument).
  { key: "sharedLightDir", name: "light", uses: /\bcopySharedLight\(/, script: "build-shared-light.ts", needs: true, after: "sharedDemoDir" },
] as const;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Every temporary folder of the run (the tests', their builds' and the processes they start)
  // in one folder of the run, removed at the end: workers are stopped, not left to exit, and a
  // test's own folders were left behind (47 GB of end-to-end test folders after a week of runs).
  const runTmp = mkdtempSync(path.join(tmpdir(), "localneeds-test-run-"));
  process.env.TMPDIR = runTmp;
  // The command line's file filters (vitest keeps them as `filenamePattern`, not in its typings).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern ?? [];
  const { testFiles } = await project.globTestFiles(filters);
  const texts = testFiles.map((f) => readFileSync(f, "utf8"));
  const dirs = new Map<string, string>();
  const started = SHARED_BUILDS.filter((b) => b.needs && texts.some((t) => b.uses.test(t))).map((b) => startBuild(project, b, dirs));
  return async () => {
    const problems: string[] = [];
    for (const teardown of started) {
      try {
        await teardown();
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    rmSync(runTmp, { recursive: true, force: true });
    if (problems.length) throw new Error(problems.join("\n"));
  };
}

/** Start one shared build; its teardown waits for it, checks nobody wrote into it, and removes it. */
function startBuild(project: TestProject, build: (typeof SHARED_BUILDS)[number], dirs: Map<string, string>): () => Promise<void> {
  const { key, name, script } = build;
  const dir = mkdtempSync(path.join(tmpdir(), `localneeds-shared-${name}-`));
  project.provide(key, dir);
  dirs.set(key, dir);
  const after = "after" in build ? [dirs.get(build.after)!] : [];
  // A build process that dies of a signal (SIGSEGV: the intermittent native crash of issue 15) is
  // started again once, saying so; any other failure is the build's own and fails its tests.
  const exited = new Promise<void>((resolve) => {
    const start = (attempt: number) => {
      const child = spawn(process.execPath, [TSX_CLI, path.join(repoRoot, "test", "helpers", script), dir, ...after], {
        cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, TZ: "UTC" },
      });
      child.on("exit", (code, signal) => {
        if (existsSync(path.join(dir, SHARED_READY)) || existsSync(path.join(dir, SHARED_FAILED))) return resolve();
        const crashed = signal !== null || (code !== null && code >= 128);
        if (crashed && attempt === 1) {
          process.stderr.write(`shared ${name} build: the process crashed (exit ${code}, signal ${signal}); starting it again once (issue 15)\n`);
          for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { recursive: true, force: true });
          return start(2);
        }
        writeFileSync(path.join(dir, SHARED_FAILED), `the build process ended (exit ${code}, signal ${signal}) without finishing${attempt > 1 ? " (the second attempt)" : ""}`);
        resolve();
      });
    };
    start(1);
  });
  return async () => {
    await exited;
    try {
      const snapshot = path.join(dir, SHARED_SNAPSHOT);
      if (!existsSync(snapshot)) return;
      const before = JSON.parse(readFileSync(snapshot, "utf8")) as Record<string, string>;
      const after = treeSnapshot(dir, [SHARED_READY, SHARED_SNAPSHOT]);
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((f) => before[f] !== after[f]).sort();
      if (changed.length) throw new Error(`tests wrote into the shared build ${key}, which is read-only: ${changed.slice(0, 10).join(", ")}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
