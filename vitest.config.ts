import { defineConfig } from "vitest/config";
import LongFirstSequencer from "./test/sequencer.ts";

process.env.TZ = "UTC";

export default defineConfig({
  test: {
    pool: "forks",
    // Both cores: most long files wait on DuckDB, Chromium or a child build (vitest's default on
    // 2 cores is one worker).
    maxWorkers: 2,
    sequence: { sequencer: LongFirstSequencer },
    include: ["test/**/*.test.ts"],
    // One demo build per run, shared read-only by the files that read it (test/helpers/demo-build.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: "UTC" },
  },
});
