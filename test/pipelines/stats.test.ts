/**
 * The batch calculator as a user runs it: `tsx pipelines/stats.ts --cases FILE` in a subprocess
 * (the local tsx binary, what `npx tsx` runs), its JSON against the reference output, and its
 * one-line errors.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { referenceFile, repoRoot } from "../helpers/shared.ts";

const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
const cli = path.join(repoRoot, "pipelines", "stats.ts");
const run = (...args: string[]) => spawnSync(tsx, [cli, ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });

const casesFile = referenceFile("phe-methods.cases.json");
const expectedFile = referenceFile("phe-methods.expected.json");
const hasReference = existsSync(casesFile) && existsSync(expectedFile);
const skipReason = hasReference ? "" : " (skipped: ../shared/reference not found beside the checkout)";

const close = (got: unknown, want: unknown) =>
  typeof want === "number" && typeof got === "number" ? Math.abs(got - want) <= Math.max(1e-12, 1e-9 * Math.abs(want)) : got === want;

describe.skipIf(!hasReference)(`pipelines/stats.ts on the reference cases${skipReason}`, () => {
  it("prints results matching phe-methods.expected.json", () => {
    const res = run("--cases", casesFile);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    const got = JSON.parse(res.stdout).results as Record<string, unknown>[];
    const want = JSON.parse(readFileSync(expectedFile, "utf8")).results as Record<string, unknown>[];
    expect(got.map((r) => r.id)).toEqual(want.map((r) => r.id));
    const problems: string[] = [];
    want.forEach((w, i) => {
      const g = got[i];
      if (g.ok !== w.ok) problems.push(`${w.id}: ok ${g.ok}`);
      for (const k of ["value", "lower95", "upper95", "lower99_8", "upper99_8"]) {
        if (k in w && !close(g[k], w[k])) problems.push(`${w.id}.${k}: ${g[k]} vs ${w[k]}`);
      }
      const wr = (w.rows ?? []) as Record<string, unknown>[];
      const gr = (g.rows ?? []) as Record<string, unknown>[];
      if (wr.length !== gr.length) problems.push(`${w.id}: ${gr.length} rows vs ${wr.length}`);
      wr.forEach((row, j) => {
        for (const [k, v] of Object.entries(row)) if (k !== "grp" && !close(gr[j]?.[k], v)) problems.push(`${w.id}.rows[${j}].${k}`);
      });
    });
    expect(problems).toEqual([]);
  });
});

describe("pipelines/stats.ts errors", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "stats-cli-"));

  it("a missing file: one line on stderr, exit 1", () => {
    const res = run("--cases", path.join(dir, "nope.json"));
    expect(res.status).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/^stats: cannot read cases file .*nope\.json: no such file\n$/);
  });

  it("invalid JSON and a wrong envelope: one line each, exit 1", () => {
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, "{ not json");
    const res = run("--cases", bad);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^stats: cases file .*bad\.json is not valid JSON: [^\n]+\n$/);
    const arr = path.join(dir, "arr.json");
    writeFileSync(arr, "[]");
    const res2 = run("--cases", arr);
    expect(res2.status).toBe(1);
    expect(res2.stderr).toBe('stats: cases JSON must be an object with a "cases" array\n');
  });

  it("usage: --help prints help, no --cases is a usage error (exit 2)", () => {
    const help = run("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("usage: npx tsx pipelines/stats.ts --cases FILE.json");
    const none = run();
    expect(none.status).toBe(2);
    expect(none.stderr).toBe("stats: missing --cases FILE (see --help)\n");
  });

  it("a rejected case is a result, not a failure", () => {
    const f = path.join(dir, "one.json");
    writeFileSync(f, JSON.stringify({ cases: [{ id: "p", method: "proportion", x: 5, n: 3 }, { id: "q", method: "nope" }] }));
    const res = run("--cases", f);
    expect(res.status).toBe(0);
    const out = JSON.parse(res.stdout).results;
    expect(out[0]).toMatchObject({ id: "p", ok: false, error: expect.stringContaining("numerators must be less than or equal to denominator") });
    expect(out[1]).toMatchObject({ id: "q", ok: false, error: expect.stringContaining('unknown method "nope"') });
  });
});
