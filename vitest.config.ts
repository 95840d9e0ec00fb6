import { defineConfig } from "vitest/config";

process.env.TZ = "UTC";

export default defineConfig({
  test: {
    pool: "forks",
    include: ["test/**/*.test.ts"],
    // One demo build per run, shared read-only by the files that read it (test/helpers/demo-build.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: "UTC" },
  },
});
