/**
 * The README is a cookbook: its query snippets and its statistics snippet must run as written.
 * Every `npx tsx [flags] -e '...'` block is run, with its flags, from the repository root against a
 * demo warehouse built in a temporary folder (the snippet's `outputs/warehouse.duckdb` pointed
 * there), and the `ts` statistics block is run as a module.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sharedDemo } from "./helpers/demo-build.ts";
import { repoRoot } from "./helpers/shared.ts";

const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
/** The code of every fenced block of a language. */
const blocks = (lang: string) => [...readme.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
/** Each `npx tsx [flags] -e '...'` snippet: its flags (run as written) and its code. */
const querySnippets = blocks("sh").flatMap((b) =>
  [...b.matchAll(/npx tsx((?: --[\w=-]+)*) -e '([\s\S]*?)'\n/g)].map((m) => ({ flags: m[1]!.trim().split(/\s+/).filter(Boolean), code: m[2]! })));

/** tsx's own command line (what `npx tsx` runs): its `-e` differs from node's `--import tsx -e`. */
const TSX_CLI = path.join(repoRoot, "node_modules", "tsx", "dist", "cli.mjs");
const runSnippet = (flags: string[], code: string) =>
  execFileSync(process.execPath, [TSX_CLI, ...flags, "-e", code], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });

describe("README cookbook snippets", () => {
  let warehouse: string;
  let root: string;
  beforeAll(async () => {
    // A copy of the shared build's warehouse: the snippets open it as written, for writing.
    root = mkdtempSync(path.join(tmpdir(), "localneeds-readme-"));
    warehouse = path.join(root, "warehouse.duckdb");
    copyFileSync((await sharedDemo()).warehouse, warehouse);
  }, 900_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("has query snippets to run (the extraction finds them)", () => {
    expect(querySnippets.length).toBeGreaterThanOrEqual(2);
    for (const s of querySnippets) expect(s.code).toContain('"outputs/warehouse.duckdb"');
  });

  it.each(querySnippets.map((s, i) => [i + 1, s] as const))("query snippet %i runs as written against the demo warehouse and prints rows", (_i, snippet) => {
    const out = runSnippet(snippet.flags, snippet.code.replace('"outputs/warehouse.duckdb"', JSON.stringify(warehouse)));
    // console.table of at least one row: a header line and a row line with an index 0.
    expect(out).toMatch(/│ \(index\) │/);
    expect(out).toMatch(/│ 0 +│/);
  });

  it("the statistics snippet runs and gives Wilson and Byar limits", () => {
    const [ts] = blocks("ts");
    expect(ts).toContain('from "localneeds/stats"');
    // Print each expression statement's result.
    const code = ts!.split("\n").map((l) => (/^(proportion|crudeRate)\(/.test(l) ? `console.log(JSON.stringify(${l.replace(/;.*$/, "")}));` : l)).join("\n");
    // Inside the package (so "localneeds/stats" resolves to this checkout), in the ignored outputs folder.
    mkdirSync(path.join(repoRoot, "outputs"), { recursive: true });
    const file = path.join(repoRoot, "outputs", `.readme-stats-${process.pid}.mts`);
    writeFileSync(file, code);
    try {
      const lines = execFileSync(process.execPath, ["--import", "tsx", file], { cwd: repoRoot, encoding: "utf8" }).trim().split("\n").map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ value: 65, method: "Wilson" });
      expect(lines[0].lower95).toBeLessThan(65);
      expect(lines[1].value).toBeCloseTo((42 / 15189) * 1000, 12);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
