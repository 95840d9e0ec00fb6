import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import LongFirstSequencer from "./test/sequencer.ts";

process.env.TZ = "UTC";
// Two test workers already keep both cores busy: DuckDB on one thread each spends about 15% less
// CPU on a demo build than on one per core (they contend), and the suite runs faster. Set
// LOCALNEEDS_DUCKDB_THREADS to run the tests with more.
process.env.LOCALNEEDS_DUCKDB_THREADS ??= "1";
// The test workers and every process they start (builds, notebooks, CLIs) with the young
// generation a build runs with (BUILD_V8_FLAGS in pipelines/build.ts): 15% less CPU on a build.
if (!process.env.NODE_OPTIONS?.includes("--max-semi-space-size")) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --max-semi-space-size=64`.trim();

export default defineConfig({
  test: {
    pool: "forks",
    // Each worker runs many files in one process, importing the code once: the files share no
    // state but the shared builds' records (io-errors injects its faults into node:fs itself and
    // puts them back; the source-definition test takes its extra source back). Per-file
    // isolation cost 3.4x the CPU on the unit files (141 s against 42 s for 34 files).
    isolate: false,
    // One worker per core. Three workers on 2 cores (one more than cores, to fill the time the
    // long files wait on a child build, Chromium or a timer) kept both cores busy but spent it on
    // contention: measured on clean clones (2026-12-05), the suite took 548-580 s and about 880 s
    // of CPU with three workers, 513-535 s and 800-815 s of CPU with two. The kill test's hog, at
    // the lowest priority, takes what little CPU two workers leave.
    maxWorkers: availableParallelism(),
    sequence: { sequencer: LongFirstSequencer },
    include: ["test/**/*.test.ts"],
    // One demo build per run, shared read-only by the files that read it (test/helpers/demo-build.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: "UTC", LOCALNEEDS_DUCKDB_THREADS: process.env.LOCALNEEDS_DUCKDB_THREADS },
  },
});
