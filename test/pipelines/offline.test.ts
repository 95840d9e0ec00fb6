/**
 * The build opens no network connection: the demo build runs with every JavaScript network API
 * trapped (test/helpers/no-network.mjs, inherited by child processes through NODE_OPTIONS) and,
 * where the machine allows (root or user namespaces), inside an unshared network namespace with
 * no interfaces but loopback.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { demoConfigInTemp } from "../helpers/demo-build.ts";
import { repoRoot } from "../helpers/shared.ts";

const canUnshare = spawnSync("unshare", ["-n", "true"]).status === 0;

describe(`the demo build offline${canUnshare ? " (network namespace)" : " (skipped namespace: unshare -n not permitted here; JS network trap only)"}`, () => {
  it("builds with no network API used and no network available", () => {
    const { root, config } = demoConfigInTemp();
    const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
    const cmd = [tsx, path.join(repoRoot, "pipelines", "build.ts"), "--config", config.configPath];
    const env = { ...process.env, NODE_OPTIONS: `--import ${path.join(repoRoot, "test", "helpers", "no-network.mjs")}` };
    const r = canUnshare
      ? spawnSync("unshare", ["-n", ...cmd], { env, encoding: "utf8", timeout: 240_000 })
      : spawnSync(cmd[0]!, cmd.slice(1), { env, encoding: "utf8", timeout: 240_000 });
    expect(r.stderr).not.toMatch(/NETWORK-ATTEMPT/);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(path.join(root, "outputs", "warehouse.duckdb"))).toBe(true);
  }, 300_000);
});
