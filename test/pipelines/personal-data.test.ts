/**
 * Personal data stays in, small counts stay out. Canary values are planted in the personal and
 * free-text fields of the demo inputs (names, emails, phones, addresses, UPRNs, complaint text,
 * case references, survey comments and respondent ids); after a build, every output file is
 * scanned for them: HTML, SVG, CSV, JSON (specs, manifest), the XLSX workbook's cells and the
 * PDF's text. The warehouse itself is scanned too (issue 17): no VARCHAR column of any table holds
 * an e-mail, a phone number or any personal value of the inputs. Personal data typed into label
 * columns (interview language, complaint category) must be refused before the warehouse's staging
 * and marts. The same outputs are audited for unsuppressed counts of 1 to 4, also those a share
 * times a published total would give, and for NaN and infinite numbers.
 *
 * The same build (one build of hostile inputs serves both) renames a ward to an HTML payload in
 * the geography inputs: data-derived text must be escaped everywhere, and the pack must show it as
 * text in Chromium, run no script, make no request and carry a Content-Security-Policy.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { copySharedDemo } from "../helpers/demo-build.ts";
import { CHROMIUM, launchChromium } from "../helpers/browser.ts";
import { CANARIES, LABEL_CANARIES, plantCanaries, plantLabelCanaries, RARE_CATEGORY } from "../helpers/canaries.ts";
import { runBuild, type BuildResult } from "../../pipelines/run-build.ts";
import { fixedClock, silentLogger } from "../../pipelines/core/context.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { decodeWindows1252 } from "../helpers/cp1252.ts";

/** The name one ward is given in the geography inputs. */
const PAYLOAD = "<img src=x onerror=alert(1)>";

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
  const { config } = await copySharedDemo();
  demoDir = config.demoData!.dir;
  plantCanaries(demoDir);
  plantLabelCanaries(demoDir);
  // A ward named like an HTML payload: its charts and tables name it in both packs.
  const geo = path.join(demoDir, "geography");
  for (const f of ["LSOA21_WD24_LAD24_lookup.csv", "WD24_LAD24_RGN24_CTRY24_lookup.csv", "wards_WD24.geojson"]) {
    const file = path.join(geo, f);
    const text = readFileSync(file, "utf8");
    if (!text.includes("Fernhill")) throw new Error(`${f}: the demo has no ward Fernhill to rename`);
    writeFileSync(file, text.replaceAll("Fernhill", PAYLOAD)); // no quote in it: valid in CSV and JSON alike
  }
  // The council declares its case categories: the planted ones are refused, the rare declared one is kept.
  const demoCategories = ["Missed bin", "Fly-tipping", "Housing repairs", "Noise", "Potholes", "Anti-social behaviour", "Street lighting", "Graffiti"];
  config.sources.complaints!.categories = [...demoCategories, RARE_CATEGORY];
  result = await runBuild({ config, log: silentLogger, clock: fixedClock("2025-06-30T12:00:00Z") });
  outputDir = config.outputDir;
  for (const f of walk(outputDir)) if (statSync(f).isFile()) files.push({ path: f, text: await textOf(f) });
}, 1_800_000);

describe("personal data never reaches an output", () => {
  it("the canaries are in the inputs the build loaded (so the tests below mean something)", async () => {
    expect(readFileSync(path.join(demoDir, "complaints", "crm_export.csv"), "latin1")).toContain(CANARIES.complaintText);
    const db = await Warehouse.open(result.warehouse);
    try {
      // The canary cases were loaded (their rows are staged), without their personal fields.
      const loaded = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.complaints WHERE ward_code = 'Z05000010'`);
      expect(loaded!.n).toBeGreaterThan(3);
      // The files are the raw layer: no copy of their rows is kept (no raw schema, no raw_* table).
      const raw = await db.all(`SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() AND (schema_name = 'raw' OR starts_with(table_name, 'raw_'))`);
      expect(raw).toEqual([]);
      const files = await db.all<{ source: string }>(`SELECT DISTINCT source FROM audit.loads WHERE source IN ('council_crm_complaints', 'residents_survey_microdata') ORDER BY 1`);
      expect(files.map((f) => f.source)).toEqual(["council_crm_complaints", "residents_survey_microdata"]);
    } finally {
      db.close();
    }
  });

  it("no table of the warehouse holds an e-mail address, a phone number, a name, an address or complaint text (issue 17)", async () => {
    // Every distinct value of the demo's personal columns (read from the inputs), and every canary.
    const [head, ...rows] = parseCsv(decodeWindows1252(readFileSync(path.join(demoDir, "complaints", "crm_export.csv"))));
    // Not postcodes: a complainant's postcode can be a school's (staged schools keep public establishment postcodes).
    const personal = ["Customer Name", "Address", "Telephone", "Email", "Description", "Case Reference", "UPRN"].map((h) => head!.indexOf(h));
    expect(personal.every((i) => i >= 0)).toBe(true);
    const values = new Set<string>(Object.values(CANARIES));
    for (const r of rows) for (const i of personal) if ((r[i] ?? "").trim().length >= 6) values.add(r[i]!.trim());
    expect(values.size).toBeGreaterThan(1000);
    // Decoded as the loader reads the file: names such as D’Souza (0x92 in Windows-1252) are looked for as they are.
    expect([...values].filter((v) => /[\u2018\u2019\u2013]/.test(v)).length).toBeGreaterThan(100);
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

describe("personal data typed into a label column is refused", () => {
  it("the label canaries were in the inputs, read, and refused (so the test means something)", async () => {
    const c = LABEL_CANARIES;
    const crm = decodeWindows1252(readFileSync(path.join(demoDir, "complaints", "crm_export.csv")));
    for (const v of [c.categoryName, c.categoryPhone, c.categoryEmail]) expect(crm).toContain(v);
    const survey = readdirSync(path.join(demoDir, "survey")).filter((f) => f.endsWith(".csv")).map((f) => readFileSync(path.join(demoDir, "survey", f), "utf8")).join("\n");
    for (const v of [c.languagePhone, c.languageEmail]) expect(survey).toContain(v);
    const db = await Warehouse.open(result.warehouse);
    try {
      const refused = await db.all<{ subject: string }>(`SELECT DISTINCT subject FROM audit.warnings WHERE code = 'label_refused' ORDER BY 1`);
      expect(refused.map((r) => r.subject)).toEqual(expect.arrayContaining(["complaints", "residents survey"]));
      // The refused cases and respondents are still counted: the category blanked, the language "unknown".
      expect((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.complaints WHERE category IS NULL`))!.n).toBeGreaterThanOrEqual(9);
      // Respondents whose language was blank in the inputs are "unknown" too: the refused ones come on top.
      const blank = readdirSync(path.join(demoDir, "survey")).filter((f) => f.endsWith(".csv")).reduce((n, f) => {
        const [head, ...rows] = parseCsv(readFileSync(path.join(demoDir, "survey", f), "utf8"));
        const i = head!.indexOf("interview_language");
        return n + rows.filter((r) => (r[i] ?? "").trim() === "").length;
      }, 0);
      expect((await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM staging.survey_respondents WHERE language = 'unknown'`))!.n).toBeGreaterThanOrEqual(blank + 36);
    } finally {
      db.close();
    }
  });

  it("no label canary is in any output file, nor in any table of staging, ref, marts or audit.warnings", async () => {
    const leaks: string[] = [];
    for (const f of files) for (const [field, canary] of Object.entries(LABEL_CANARIES)) if (f.text.includes(canary)) leaks.push(`${field} in ${path.relative(outputDir, f.path)}`);
    const db = await Warehouse.open(result.warehouse);
    try {
      const columns = await db.all<{ s: string; t: string; c: string }>(
        `SELECT schema_name AS s, table_name AS t, column_name AS c FROM duckdb_columns()
         WHERE database_name = current_database() AND schema_name IN ('staging', 'ref', 'marts', 'audit') AND data_type = 'VARCHAR'
           AND NOT (schema_name = 'audit' AND table_name IN ('rejects', 'loads'))`,
      );
      expect(columns.length).toBeGreaterThan(20);
      const needles = Object.values(LABEL_CANARIES);
      for (const { s, t, c } of columns) {
        const hit = await db.one<{ n: number }>(
          `SELECT count(*)::INTEGER AS n FROM "${s}"."${t}" WHERE ${needles.map((_, i) => `contains("${c}", $n${i})`).join(" OR ")}`,
          Object.fromEntries(needles.map((v, i) => [`n${i}`, v])),
        );
        if (hit!.n) leaks.push(`${s}.${t}.${c}`);
      }
      // Refused, with warnings that say so without the values.
      const refused = await db.all<{ subject: string }>(`SELECT subject FROM audit.warnings WHERE code = 'label_refused' ORDER BY 1`);
      expect(refused.map((r) => r.subject)).toEqual(["complaints", "residents survey"]);
    } finally {
      db.close();
    }
    expect(leaks).toEqual([]);
  });
});

describe("no published figure lets a count of 1 to 4 be worked out", () => {
  /** Integers in a text (thousands separators allowed): the totals a chart's title or subtitle publishes. */
  const totalsIn = (text: string) => [...text.matchAll(/\d{1,3}(?:,\d{3})+|\d+/g)].map((m) => Number(m[0].replaceAll(",", ""))).filter((n) => n >= 5);
  /** Is `share` percent of `total` a count of 1 to 4, to the precision the share is published with (3 decimals)? */
  const smallCountOf = (share: number, total: number) => {
    const count = (share * total) / 100;
    const k = Math.round(count);
    return k >= 1 && k <= 4 && Math.abs(count - k) <= (total * 0.0005) / 100 + 1e-9;
  };

  it("no share in a chart spec, times a total the chart publishes, gives a count of 1 to 4 (comparators included)", () => {
    const found: string[] = [];
    let checked = 0;
    for (const f of files.filter((x) => x.path.endsWith(".vl.json"))) {
      const spec = JSON.parse(f.text) as { title?: string | { text?: string | string[]; subtitle?: string | string[] }; data?: { values?: Record<string, unknown>[] } };
      const t = typeof spec.title === "string" ? { text: spec.title } : spec.title;
      const title = [t?.text ?? "", t?.subtitle ?? ""].flat().join(" \n ");
      if (!/share/i.test(title)) continue;
      const totals = totalsIn(title);
      for (const row of spec.data?.values ?? []) {
        if (typeof row.value !== "number") continue;
        checked++;
        for (const t of totals) if (smallCountOf(row.value, t)) found.push(`${path.relative(outputDir, f.path)}: ${String(row.category ?? "")} ${String(row.series ?? "")} ${row.value}% of ${t}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(found).toEqual([]);
  });

  it("the planted category of one case is named but withheld for the borough, in the focus pack and the overview alike", () => {
    const tables = files.filter((f) => f.path.endsWith(`${path.sep}complaints-by-category.csv`));
    expect(tables.length).toBe(2);
    // the overview's one share column is the borough's
    const overview = tables.map((f) => parseCsv(f.text)[0]!).find((cols) => cols.filter((c) => /\(%\)$/.test(c)).length === 1)!;
    const boroughColumn = overview.find((c) => /\(%\)$/.test(c))!;
    for (const f of tables) {
      const [cols, ...rows] = parseCsv(f.text);
      const rare = rows.find((r) => r[0] === RARE_CATEGORY);
      expect(rare, path.relative(outputDir, f.path)).toBeDefined();
      expect(rare![cols!.indexOf(boroughColumn)], `${boroughColumn} in ${path.relative(outputDir, f.path)}`).toBe("");
    }
  });

  it("no value times its denominator in indicator_values.csv gives a count of 1 to 4 where the numerator is withheld", () => {
    const found: string[] = [];
    for (const f of files.filter((x) => x.path.endsWith(`${path.sep}indicator_values.csv`))) {
      const [cols, ...rows] = parseCsv(f.text);
      const at = (name: string) => cols!.indexOf(name);
      for (const cells of rows) {
        const [num, den, value] = [cells[at("numerator")], Number(cells[at("denominator")]), Number(cells[at("value")])];
        if (num !== "" || cells[at("value")] === "" || !(den > 0) || /mean|order statistics/.test(cells[at("method")] ?? "")) continue;
        for (const multiplier of [1, 100, 1000, 100000]) {
          const count = (value * den) / multiplier;
          const k = Math.round(count);
          if (k >= 1 && k <= 4 && Math.abs(count - k) < 1e-6 * Math.max(1, count)) found.push(`${path.basename(f.path)}: ${cells.join(",")}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});

describe("no NaN or infinite number is published", () => {
  it("no CSV cell, workbook cell or chart value is NaN or Infinity, and the marts hold none", async () => {
    const bad: string[] = [];
    for (const f of files.filter((x) => /\.(csv|xlsx)$/.test(x.path))) if (/(^|[,\n])-?(NaN|Infinity)($|[,\n])/.test(f.text)) bad.push(path.relative(outputDir, f.path));
    for (const f of files.filter((x) => x.path.endsWith(".vl.json"))) if (/\b(NaN|Infinity)\b/.test(f.text)) bad.push(path.relative(outputDir, f.path));
    const db = await Warehouse.open(result.warehouse);
    try {
      const columns = await db.all<{ t: string; c: string }>(
        `SELECT table_name AS t, column_name AS c FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'marts' AND data_type IN ('DOUBLE', 'FLOAT')`,
      );
      expect(columns.length).toBeGreaterThan(5);
      for (const { t, c } of columns) {
        const n = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM marts."${t}" WHERE NOT isfinite("${c}")`);
        if (n!.n) bad.push(`marts.${t}.${c}`);
      }
    } finally {
      db.close();
    }
    expect(bad).toEqual([]);
  });
});


describe("a ward named like an HTML payload", () => {
  it("is escaped in every HTML page and SVG chart, and each pack carries a Content-Security-Policy", () => {
    const pages = files.filter((f) => /\.(html|svg)$/.test(f.path));
    expect(pages.filter((f) => f.text.includes("&lt;img src=x onerror=alert(1)&gt;")).length).toBeGreaterThan(2);
    expect(pages.filter((f) => f.text.includes(PAYLOAD)).map((f) => path.relative(outputDir, f.path))).toEqual([]);
    for (const dir of result.packDirs) expect(readFileSync(path.join(dir, "index.html"), "utf8")).toContain('http-equiv="Content-Security-Policy"');
  });

  it.skipIf(!CHROMIUM)(`renders as text in Chromium: no script runs, no element is injected${CHROMIUM ? "" : " (skipped: chromium not installed)"}`, async () => {
    const browser = await launchChromium();
    try {
      for (const dir of result.packDirs) {
        const page = await browser.newPage();
        const dialogs: string[] = [];
        const requests: string[] = [];
        page.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
        page.on("request", (r) => requests.push(r.url()));
        await page.goto("file://" + path.join(dir, "index.html"), { waitUntil: "load" });
        expect(dialogs).toEqual([]);
        expect(await page.locator('img[src="x"]').count()).toBe(0);
        expect(await page.locator("body").innerText()).toContain(PAYLOAD);
        expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
