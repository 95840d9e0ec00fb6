/**
 * Personal data stays in, small counts stay out. Canary values are planted in the personal and
 * free-text fields of the demo inputs (names, emails, phones, addresses, UPRNs, complaint text,
 * case references, survey comments and respondent ids); after a build, every output file is
 * scanned for them: HTML, SVG, CSV, JSON (specs, manifest), the XLSX workbook's cells and the
 * PDF's text. The warehouse itself is scanned too (issue 17): no VARCHAR column of any table holds
 * an e-mail, a phone number or any personal value of the inputs. The same outputs are audited for
 * unsuppressed counts of 1 to 4.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { demoConfigInTemp } from "../helpers/demo-build.ts";
import { CANARIES, plantCanaries } from "../helpers/canaries.ts";
import { ensureDemoData, runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import { fixedClock, silentLogger } from "../../pipelines/core/context.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { messages } from "../../pipelines/core/messages.ts";

let result: BuildResult;
let outputDir: string;
let demoDir: string;
const files: { path: string; text: string }[] = [];

/** Parse CSV properly (names like "Mill, Quay and Docks" are quoted). */
const parseCsv = (text: string) => Papa.parse<string[]>(text.trim(), { header: false }).data;

const walk = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));

/** The text of an output file as a reader or a program would see it. */
async function textOf(file: string): Promise<string> {
  if (file.endsWith(".pdf")) return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  if (file.endsWith(".xlsx")) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as never);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => void cells.push(String(c.text ?? c.value ?? "")))));
    return cells.join("\n");
  }
  if (file.endsWith(".png")) return ""; // rendered from the SVG, which is scanned
  return readFileSync(file, "utf8");
}

beforeAll(async () => {
  const { config } = demoConfigInTemp();
  await ensureDemoData(config, silentLogger);
  demoDir = config.demoData!.dir;
  plantCanaries(demoDir);
  result = await runBuild({ config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") });
  outputDir = config.outputDir;
  for (const f of walk(outputDir)) if (statSync(f).isFile()) files.push({ path: f, text: await textOf(f) });
}, 600_000);

describe("personal data never reaches an output", () => {
  it("the canaries are in the inputs the build loaded (so the tests below mean something)", async () => {
    expect(readFileSync(path.join(demoDir, "complaints", "crm_export.csv"), "latin1")).toContain(CANARIES.complaintText);
    const db = await Warehouse.open(result.warehouse);
    try {
      // The canary cases were loaded (their rows are there), without their personal fields.
      const loaded = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM raw.complaints WHERE ward_code = 'Z05000010' AND postcode IS NOT NULL`);
      expect(loaded!.n).toBeGreaterThan(3);
      const files = await db.all<{ source: string }>(`SELECT DISTINCT source FROM audit.loads WHERE source IN ('council_crm_complaints', 'residents_survey_microdata') ORDER BY 1`);
      expect(files.map((f) => f.source)).toEqual(["council_crm_complaints", "residents_survey_microdata"]);
    } finally {
      db.close();
    }
  });

  it("no table of the warehouse holds an e-mail address, a phone number, a name, an address or complaint text (issue 17)", async () => {
    // Every distinct value of the demo's personal columns (read from the inputs), and every canary.
    const [head, ...rows] = parseCsv(new TextDecoder("windows-1252").decode(readFileSync(path.join(demoDir, "complaints", "crm_export.csv"))));
    // Not postcodes: a complainant's postcode can be a school's (raw.gias holds public establishment postcodes).
    const personal = ["Customer Name", "Address", "Telephone", "Email", "Description", "Case Reference", "UPRN"].map((h) => head!.indexOf(h));
    expect(personal.every((i) => i >= 0)).toBe(true);
    const values = new Set<string>(Object.values(CANARIES));
    for (const r of rows) for (const i of personal) if ((r[i] ?? "").trim().length >= 6) values.add(r[i]!.trim());
    expect(values.size).toBeGreaterThan(1000);
    const db = await Warehouse.open(result.warehouse);
    try {
      await db.run(`CREATE TEMP TABLE _personal (v VARCHAR)`);
      await db.insertRows("_personal", ["v"], [...values].map((v) => ({ v })));
      const columns = await db.all<{ s: string; t: string; c: string }>(
        `SELECT table_schema AS s, table_name AS t, column_name AS c FROM information_schema.columns
         WHERE data_type = 'VARCHAR' AND table_catalog = current_database() AND table_schema NOT IN ('information_schema', 'pg_catalog', 'temp')
           AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE') ORDER BY ALL`,
      );
      expect(columns.length).toBeGreaterThan(100);
      const email = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\\.[A-Za-z0-9.-]+";
      const phone = "(^|[^0-9A-Za-z])(\\+44 ?|0)7[0-9]{3} ?[0-9]{3} ?[0-9]{3}([^0-9A-Za-z]|$)";
      const found: string[] = [];
      for (const { s, t, c } of columns) {
        const col = `"${c.replace(/"/g, '""')}"`;
        const hit = await db.one<{ n: number; example: string | null }>(
          `SELECT count(*)::INTEGER AS n, any_value(${col}) AS example FROM "${s}"."${t}"
           WHERE regexp_matches(${col}, '${email}') OR regexp_matches(${col}, '${phone}')
              OR ${col} IN (SELECT v FROM _personal) OR contains(${col}, 'CANARY')`,
        );
        if (hit!.n) found.push(`${s}.${t}.${c}: ${hit!.n} (e.g. ${hit!.example})`);
      }
      expect(found).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("no output file holds any canary (PDF text and XLSX cells included)", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => f.path.endsWith(".pdf"))).toBe(true);
    expect(files.some((f) => f.path.endsWith(".xlsx"))).toBe(true);
    const leaks: string[] = [];
    for (const f of files) for (const [field, canary] of Object.entries(CANARIES)) if (f.text.includes(canary)) leaks.push(`${field} in ${path.relative(outputDir, f.path)}`);
    expect(leaks).toEqual([]);
  });
});

describe("small counts never reach an output", () => {
  it("the demo has a survey value resting on 1 to 4 positive answers, withheld in the warehouse (so the audits below mean something)", async () => {
    // The survey's own rule (a base of 30 respondents) publishes it; the disclosure step's floor must not.
    const db = await Warehouse.open(result.warehouse);
    try {
      const floored = await db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM marts.indicator_values
         WHERE indicator_id LIKE 'survey.%' AND is_suppressed AND suppression_reason = $r AND denominator >= 30`,
        { r: messages.suppressedSmallCount(5) },
      );
      expect(floored!.n).toBeGreaterThan(0);
      const published = await db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM marts.indicator_values
         WHERE NOT is_suppressed AND numerator BETWEEN 1 AND 4 AND NOT regexp_matches(method, 'mean|order statistics')`,
      );
      expect(published!.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it("no published indicator value rests on a count of 1 to 4", () => {
    const csvs = files.filter((f) => /indicator_values\.csv$/.test(f.path));
    expect(csvs.length).toBeGreaterThan(0);
    for (const f of csvs) {
      const [cols, ...rows] = parseCsv(f.text);
      const num = cols!.indexOf("numerator");
      const sup = cols!.indexOf("is_suppressed");
      const kind = cols!.indexOf("method");
      for (const cells of rows) {
        const r = cells.join(",");
        if (cells[sup] === "true" || /mean|order statistics/.test(cells[kind] ?? "")) continue;
        const n = Number(cells[num]);
        expect(n >= 1 && n <= 4, `${path.basename(f.path)}: ${r}`).toBe(false);
      }
    }
  });

  it("no chart table publishes a count of 1 to 4 in a count column", () => {
    const small: string[] = [];
    for (const f of files.filter((x) => x.path.includes(`${path.sep}data${path.sep}`) && x.path.endsWith(".csv") && !/indicator_(values|comparisons)\.csv$/.test(x.path))) {
      const [cols, ...rows] = parseCsv(f.text);
      const countCols = cols!.map((c, i) => [c, i] as const).filter(([c]) => /^(count|numerator|cases|crimes|respondents|n|base)\b/i.test(c));
      for (const cells of rows) {
        for (const [c, i] of countCols) {
          const n = Number(cells[i]);
          if (Number.isInteger(n) && n >= 1 && n <= 4) small.push(`${path.basename(f.path)} ${c}=${n}`);
        }
      }
    }
    expect(small).toEqual([]);
  });

  it("no chart spec's inline data carries a numerator or survey base of 1 to 4", () => {
    const small: string[] = [];
    const walk = (node: unknown, file: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, file));
      if (!node || typeof node !== "object") return;
      for (const [k, v] of Object.entries(node)) {
        if ((k === "numerator" || k === "n") && typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 4) small.push(`${path.basename(file)} ${k}=${v}`);
        else walk(v, file);
      }
    };
    const specs = files.filter((f) => f.path.endsWith(".vl.json"));
    expect(specs.length).toBeGreaterThan(20);
    for (const f of specs) walk(JSON.parse(f.text), f.path);
    expect(small).toEqual([]);
  });
});
