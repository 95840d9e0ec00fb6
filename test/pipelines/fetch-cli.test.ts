/**
 * `build.ts --refresh --fetch` when the network fails: it builds from the files already on disk,
 * says why, and exits 3 (README exit-code table). The publisher is a closed port on 127.0.0.1.
 */
import { spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/shared.ts";
import { tempDir } from "../sources/helpers.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function cli(script: string, args: string[], cwd: string) {
  return spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "pipelines", script), ...args], { cwd, encoding: "utf8", timeout: 180_000 });
}

describe("build --refresh --fetch with the publisher unreachable", () => {
  it("builds from the files on disk, names the failure, exits 3; fetch.ts alone exits 1", { timeout: 400_000 }, async () => {
    const dir = tempDir("ln-fetch-cli-");
    dir.write("lookup.csv", "LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM\nZ01000001,A 001A,Z05000001,Alpha,Z06000001,Zedshire\nZ01000002,A 001B,Z05000002,Beta,Z06000001,Zedshire\n");
    const port = await closedPort();
    const config = dir.write("config.json", JSON.stringify({
      name: "fetch cli", parent: "Z06000001", focus: [{ ward: "Z05000001" }], baseline: { period: "2022/23" },
      warehouse: "warehouse.duckdb", outputDir: "packs", geography: { wardVintage: "WD24", lsoaLookup: "lookup.csv" }, sources: {},
      fetch: { retries: 0, timeoutSeconds: 5, baseUrls: { ons: `http://127.0.0.1:${port}/arcgis` }, ons: { lsoaLookup: { service: "LSOA21_WD24_LAD24_EW_LU" } } },
    }));
    const fetchOnly = cli("fetch.ts", ["--config", config], dir.dir);
    expect(fetchOnly.status).toBe(1);
    expect(fetchOnly.stderr).toContain(`could not reach http://127.0.0.1:${port}/arcgis/LSOA21_WD24_LAD24_EW_LU/FeatureServer/0?f=json (ECONNREFUSED)`);

    // No PDF: what is tested is the fetch and the exit code (Chromium would add seconds and nothing here).
    const r = cli("build.ts", ["--config", config, "--refresh", "--fetch", "--no-pdf"], dir.dir);
    expect(r.stderr + r.stdout).toContain("fetch failed (1 problem(s), listed above): building from the files already on disk");
    expect(r.status).toBe(3);
    expect(existsSync(path.join(dir.dir, "warehouse.duckdb"))).toBe(true);
  });
});
