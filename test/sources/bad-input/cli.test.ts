/**
 * No raw stack trace reaches the user (issue 9): `pipelines/build.ts` given a config whose sources
 * hold broken files prints one clear message naming the file and exits 1. No test under
 * `test/pipelines/` ran the CLI on a bad input file, hence this one (it spawns tsx: a few seconds).
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { messages } from "../../../pipelines/core/messages.ts";
import { repoRoot } from "../../helpers/shared.ts";
import { tempDir } from "../helpers.ts";

function build(config: object, dir: ReturnType<typeof tempDir>) {
  const file = dir.write("config.json", JSON.stringify(config));
  const env = { ...process.env };
  delete env.LOCALNEEDS_DEBUG;
  return spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "pipelines/build.ts"), "--config", file], {
    cwd: dir.dir, env, encoding: "utf8", timeout: 120_000,
  });
}

describe("the build CLI on a broken input file", () => {
  it("a semicolon-delimited LSOA lookup: one error line naming the file and the delimiter, exit 1, no stack trace", () => {
    const dir = tempDir("ln-bad-cli-");
    const lookup = dir.write("lookup.csv", "LSOA21CD;LSOA21NM;WD24CD;WD24NM;LAD24CD;LAD24NM\nZ01000001;A 001A;Z05000001;A;Z06000001;Z\n");
    const r = build({
      name: "bad input", parent: "Z06000001", focus: [{ ward: "Z05000001" }], baseline: { period: "2022/23" },
      warehouse: "warehouse.duckdb", outputDir: "packs", geography: { wardVintage: "WD24", lsoaLookup: "lookup.csv" }, sources: {},
    }, dir);
    expect(r.status).toBe(1);
    const err = r.stderr.split("\n").filter((l) => l && !/nodedir/.test(l));
    expect(err[0]).toBe(`error: ${messages.wrongDelimiter(lookup, ";", "an ONS LSOA to ward to local authority lookup")}`);
    expect(err).toContain("nothing was published: the previous warehouse and pack are unchanged");
    expect(r.stderr + r.stdout).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack frame
    expect(r.stderr).not.toMatch(/LocalneedsError|node:internal/);
  });
});
