import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import LongFirstSequencer from "./test/sequencer.ts";

process.env.TZ = "UTC";

export default defineConfig({
  test: {
    pool: "forks",
    // At least two: most long files wait on DuckDB, Chromium or a child build (vitest's default,
    // one fewer than the cores, is a single worker on 2 cores).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongFirstSequencer },
    include: ["test/**/*.test.ts"],
    // One demo build per run, shared read-only by the files that read it (test/helpers/demo-build.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: "UTC" },
  },
});
