/**
 * The seeded demo-borough generator: determinism, file layouts (checked against the real
 * public samples when ../shared is present), code hygiene, and the built-in story, recomputed
 * from the generated files with small independent interval helpers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEMO_GENERATOR_VERSION, generateDemoData, isDemoDataCurrent } from "../../../sources/demo/generate.ts";
import { hasShared, realData, sharedSkipReason } from "../../helpers/shared.ts";
import { decodeWindows1252 } from "../../helpers/cp1252.ts";
import { decodeCp1252, encodeCp1252 } from "../../../sources/cp1252.ts";

const SEED = 20240401;
const FOCUS = "Z05000007";
const LA = "Z06000001";
const FYS = [
  { label: "2022/23", start: "2022-04", end: "2023-03", year: 2022 },
  { label: "2023/24", start: "2023-04", end: "2024-03", year: 2023 },
  { label: "2024/25", start: "2024-04", end: "2025-03", year: 2024 },
];
const Z = 1.959963984540054;

// ---------------------------------------------------------------- small helpers

/** RFC 4180 records (quoted commas, quotes and newlines); a trailing newline ends the last record. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') (field += '"'), i++;
        else q = false;
      } else field += c;
    } else if (c === '"') q = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) row.push(field), rows.push(row);
  return rows;
}

/** Records as objects keyed by header (short rows padded with undefined). */
function records(text: string): Record<string, string>[] {
  const [h, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""));
  return rows.map((r) => Object.fromEntries(h.map((k, i) => [k, r[i]])));
}

/** Byar's approximate 95% limits for a Poisson count. */
function byar(o: number): [number, number] {
  const lo = o === 0 ? 0 : o * (1 - 1 / (9 * o) - Z / (3 * Math.sqrt(o))) ** 3;
  const o1 = o + 1;
  return [lo, o1 * (1 - 1 / (9 * o1) + Z / (3 * Math.sqrt(o1))) ** 3];
}

/** Wilson 95% interval for k/n. */
function wilson(k: number, n: number): [number, number] {
  const p = k / n;
  const c = p + (Z * Z) / (2 * n);
  const h = Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n));
  const d = 1 + (Z * Z) / n;
  return [(c - h) / d, (c + h) / d];
}

/** Rate comparison of a count over a population against a comparator rate. */
function rateVs(count: number, pop: number, comparator: number): "higher" | "lower" | "similar" {
  const [lo, hi] = byar(count);
  return lo / pop > comparator ? "higher" : hi / pop < comparator ? "lower" : "similar";
}

function propVs(k: number, n: number, comparator: number): "higher" | "lower" | "similar" {
  const [lo, hi] = wilson(k, n);
  return lo > comparator ? "higher" : hi < comparator ? "lower" : "similar";
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join("/"));
  }
  return out.sort();
}

// ---------------------------------------------------------------- fixtures

let tmp: string;
let dirA: string;
let dirB: string;
let dirC: string;
let filesA: string[];
const bytes = (rel: string) => readFileSync(path.join(dirA, rel));
const utf8 = (rel: string) => bytes(rel).toString("utf8");

const cp1252 = (rel: string) => decodeWindows1252(bytes(rel));

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "demo-gen-"));
  dirA = path.join(tmp, "a");
  dirB = path.join(tmp, "b");
  dirC = path.join(tmp, "c");
  filesA = (await generateDemoData(dirA, SEED)).files;
  await generateDemoData(dirB, SEED);
  await generateDemoData(dirC, SEED + 1);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------- determinism and the stamp

describe("demo generator: determinism and completion stamp", () => {
  it("writes the same bytes for the same seed, and different data for another seed", async () => {
    const listed = await listFiles(dirA);
    expect(listed).toEqual([...filesA].sort());
    expect(await listFiles(dirB)).toEqual(listed);
    for (const f of listed) expect(Buffer.compare(readFileSync(path.join(dirA, f)), readFileSync(path.join(dirB, f))), f).toBe(0);
    const differing = listed.filter((f) => f !== ".demo-stamp.json" && Buffer.compare(readFileSync(path.join(dirA, f)), readFileSync(path.join(dirC, f))) !== 0);
    expect(differing.length).toBeGreaterThan(listed.length * 0.8);
  });

  it("lists every expected file, the stamp last", () => {
    expect(filesA[filesA.length - 1]).toBe(".demo-stamp.json");
    const expected = [
      "geography/LSOA21_WD24_LAD24_lookup.csv", "geography/WD24_LAD24_RGN24_CTRY24_lookup.csv", "geography/wards_WD24.geojson",
      "geography/lsoa21.geojson", "population/sapelsoasyoa2022.csv", "population/sapelsoasyoa2023.csv", "population/sapelsoasyoa2024.csv",
      "deprivation/iod_lsoa_scores.csv", "health/fingertips_asthma_admissions.csv", "health/local_breastfeeding.csv",
      "school/2021-2022_999_ks2final.csv", "school/2022-2023_999_ks2final.csv", "school/2023-2024_999_ks2final.csv",
      "school/gias_establishments.csv", "survey/residents_survey_2023.csv", "survey/residents_survey_2024.csv",
      "survey/residents_survey_2025.csv", "survey/codebook.json", "complaints/crm_export.csv",
    ];
    for (const f of expected) expect(filesA).toContain(f);
    expect(filesA.filter((f) => f.startsWith("police/"))).toHaveLength(36);
  });

  it("stamps {version, seed} and reports whether a folder is current", async () => {
    expect(JSON.parse(utf8(".demo-stamp.json"))).toEqual({ version: DEMO_GENERATOR_VERSION, seed: SEED });
    expect(await isDemoDataCurrent(dirA, SEED)).toBe(true);
    expect(await isDemoDataCurrent(dirA, SEED + 1)).toBe(false);
    expect(await isDemoDataCurrent(path.join(tmp, "nowhere"), SEED)).toBe(false);
  });

  it("refuses to write into a non-empty folder it did not create", async () => {
    const foreign = path.join(tmp, "foreign");
    await mkdir(foreign);
    await writeFile(path.join(foreign, "notes.txt"), "mine");
    await expect(generateDemoData(foreign, SEED)).rejects.toThrow(/not made by the demo generator/);
  });
});

// ---------------------------------------------------------------- layouts

describe("demo generator: file layouts", () => {
  const BOM = (rel: string) => bytes(rel)[0] === 0xef && bytes(rel)[1] === 0xbb && bytes(rel)[2] === 0xbf;
  /** True when every line break outside quoted fields is CRLF. */
  const allCrlf = (text: string) => !/(^|[^\r])\n/.test(text.replace(/"(?:[^"]|"")*"/g, '""'));
  const noCr = (text: string) => !text.includes("\r");
  const firstLine = (text: string) => text.replace(/^\uFEFF/, "").split(/\r?\n/)[0];

  it("geography lookups: Geoportal (BOM, CRLF, ObjectId last) and mirror (no BOM, LF, FID first)", () => {
    const lsoa = "geography/LSOA21_WD24_LAD24_lookup.csv";
    expect(BOM(lsoa)).toBe(true);
    expect(allCrlf(utf8(lsoa))).toBe(true);
    expect(firstLine(utf8(lsoa))).toBe("LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM,ObjectId");
    const wd = "geography/WD24_LAD24_RGN24_CTRY24_lookup.csv";
    expect(BOM(wd)).toBe(false);
    expect(noCr(utf8(wd))).toBe(true);
    expect(firstLine(utf8(wd))).toBe("FID,WD24CD,WD24NM,LAD24CD,LAD24NM,RGN24CD,RGN24NM,CTRY24CD,CTRY24NM");
    expect(utf8(wd)).toContain('"Mill, Quay and Docks"');
    const wards = records(utf8(wd));
    expect(wards.filter((w) => w.LAD24CD === LA)).toHaveLength(20);
    expect(wards.filter((w) => w.LAD24CD === "Z06000002").length).toBeGreaterThan(2);
  });

  it("geography: 20 wards of 4-8 LSOAs that tile the borough, LSOAs that tile their ward", () => {
    const lookup = records(utf8("geography/LSOA21_WD24_LAD24_lookup.csv"));
    expect(lookup).toHaveLength(120);
    const perWard = new Map<string, number>();
    for (const r of lookup) {
      expect(r.LSOA21NM).toMatch(/^Northgate \d{3}[A-Z]$/);
      perWard.set(r.WD24CD, (perWard.get(r.WD24CD) ?? 0) + 1);
    }
    expect(perWard.size).toBe(20);
    for (const n of perWard.values()) expect(n >= 4 && n <= 8).toBe(true);
    expect(lookup.some((r) => r.LSOA21CD.startsWith("Z019"))).toBe(false);
    const area = (ring: number[][]) => ring.slice(0, -1).reduce((s, p, i) => s + p[0] * ring[i + 1][1] - ring[i + 1][0] * p[1], 0) / 2;
    const wards = JSON.parse(utf8("geography/wards_WD24.geojson"));
    const lsoas = JSON.parse(utf8("geography/lsoa21.geojson"));
    expect(wards.crs.properties.name).toBe("urn:ogc:def:crs:OGC:1.3:CRS84");
    expect(wards.features).toHaveLength(20);
    const wardArea = new Map<string, number>();
    let total = 0;
    for (const f of wards.features) {
      const ring = f.geometry.coordinates[0];
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const [lon, lat] of ring) expect(lon >= -0.9 && lon <= -0.7 && lat >= 52 && lat <= 52.15).toBe(true);
      expect(Object.keys(f.properties)).toEqual(expect.arrayContaining(["WD24CD", "WD24NM", "LAT", "LONG"]));
      const a = area(ring);
      expect(a).toBeGreaterThan(0);
      wardArea.set(f.properties.WD24CD, a);
      total += a;
    }
    expect(Math.abs(total - 0.2 * 0.15) / (0.2 * 0.15)).toBeLessThan(1e-5);
    const lsoaWard = new Map(lookup.map((r) => [r.LSOA21CD, r.WD24CD]));
    const sumByWard = new Map<string, number>();
    for (const f of lsoas.features) {
      const w = lsoaWard.get(f.properties.LSOA21CD)!;
      sumByWard.set(w, (sumByWard.get(w) ?? 0) + area(f.geometry.coordinates[0]));
    }
    for (const [w, a] of wardArea) expect(Math.abs(sumByWard.get(w)! - a) / a).toBeLessThan(1e-4);
  });

  it("population: SAPE layout, 91 single years per sex, totals add up, borough of 150-200k", () => {
    let borough = 0;
    for (const y of [2022, 2023, 2024]) {
      const text = utf8(`population/sapelsoasyoa${y}.csv`);
      expect(noCr(text)).toBe(true);
      const [header, ...rows] = parseCsv(text);
      const ages = Array.from({ length: 91 }, (_, a) => a);
      expect(header).toEqual(["LAD 2023 Code", "LAD 2023 Name", "LSOA 2021 Code", "LSOA 2021 Name", "Total", ...ages.map((a) => `F${a}`), ...ages.map((a) => `M${a}`)]);
      expect(rows).toHaveLength(120);
      let sum = 0;
      for (const r of rows) {
        const cells = r.slice(5).map(Number);
        expect(cells.every((c) => Number.isInteger(c) && c >= 0)).toBe(true);
        expect(cells.reduce((s, c) => s + c, 0)).toBe(Number(r[4]));
        sum += Number(r[4]);
      }
      if (y === 2022) borough = sum;
      expect(sum > 150_000 && sum < 200_000).toBe(true);
    }
    expect(borough).toBeGreaterThan(0);
  });

  it("police: police.uk header, LF, no quotes, 6 dp coordinates, ASB without ID or outcome", () => {
    const types = new Set<string>();
    for (const f of filesA.filter((x) => x.startsWith("police/"))) {
      expect(f).toMatch(/^police\/(\d{4}-\d{2})\/\1-demo-street\.csv$/);
      const text = utf8(f);
      expect(noCr(text)).toBe(true);
      expect(text.includes('"')).toBe(false);
      expect(firstLine(text)).toBe(
        "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context",
      );
      // Collect problems rather than asserting per row: ~55,000 rows.
      const problems: string[] = [];
      const bad = (why: string, r: Record<string, string>) => problems.length < 5 && problems.push(`${f}: ${why}: ${JSON.stringify(r)}`);
      let seenNoLocation = false;
      for (const r of records(text)) {
        types.add(r["Crime type"]);
        if (r.Month !== f.slice(7, 14)) bad("month", r);
        if (r["Reported by"] !== "Demo Constabulary" || r["Falls within"] !== "Demo Constabulary") bad("force", r);
        if (r.Context !== "") bad("context", r);
        if (r["Crime type"] === "Anti-social behaviour") {
          if (r["Crime ID"] !== "" || r["Last outcome category"] !== "") bad("ASB with ID or outcome", r);
        } else if (!/^[0-9a-f]{64}$/.test(r["Crime ID"]) || r["Last outcome category"] === "") bad("crime without ID or outcome", r);
        if (r.Location === "No Location") {
          seenNoLocation = true;
          if (r.Longitude + r.Latitude + r["LSOA code"] + r["LSOA name"] !== "") bad("no-location row with a place", r);
        } else {
          if (seenNoLocation) bad("located row after the no-location rows", r);
          if (!/^-0\.\d{6}$/.test(r.Longitude) || !/^5[12]\.\d{6}$/.test(r.Latitude)) bad("coordinates", r);
          if (!r.Location.startsWith("On or near ")) bad("location", r);
        }
      }
      expect(problems).toEqual([]);
    }
    expect(types.size).toBe(14);
  });

  it("police quirks: short December 2023, one duplicate crime, Southmoor rows, identical ASB lines, 'S casing", () => {
    const counts: number[] = [];
    const idLines = new Map<string, string[]>();
    let neighbour = 0;
    let total = 0;
    let identicalAsb = 0;
    let possessive = 0;
    for (const f of filesA.filter((x) => x.startsWith("police/"))) {
      const lines = utf8(f).trimEnd().split("\n").slice(1);
      counts.push(lines.length);
      total += lines.length;
      const seenAsb = new Set<string>();
      for (const l of lines) {
        const [id, , , , , , loc, code] = l.split(",");
        if (id) idLines.set(id, [...(idLines.get(id) ?? []), l]);
        else if (seenAsb.has(l)) identicalAsb++;
        else seenAsb.add(l);
        if (code.startsWith("Z019")) neighbour++;
        if (/'S /.test(loc)) possessive++;
      }
    }
    const sorted = [...counts].sort((a, b) => a - b);
    const median = sorted[18];
    const dec = counts[20]; // 2022-04 + 20 months = 2023-12
    expect(dec / median).toBeGreaterThan(0.35);
    expect(dec / median).toBeLessThan(0.65);
    expect(counts.filter((_, i) => i !== 20).every((c) => c > 1100 && c < 2000)).toBe(true);
    const dups = [...idLines.values()].filter((ls) => ls.length > 1);
    expect(dups).toHaveLength(1);
    expect(dups[0]).toHaveLength(2);
    expect(dups[0][0]).toBe(dups[0][1]);
    expect(neighbour / total).toBeGreaterThan(0.005);
    expect(neighbour / total).toBeLessThan(0.03);
    expect(identicalAsb).toBeGreaterThan(50);
    expect(possessive).toBeGreaterThan(0);
  });

  it("IoD: BOM, CRLF, quoted ranks with thousands separators, deciles consistent with ranks", () => {
    const f = "deprivation/iod_lsoa_scores.csv";
    expect(BOM(f)).toBe(true);
    expect(allCrlf(utf8(f))).toBe(true);
    expect(firstLine(utf8(f))).toContain(',"Education, Skills and Training Score",');
    expect(utf8(f)).toMatch(/,"\d{1,2},\d{3}",/);
    const rows = records(utf8(f));
    expect(rows).toHaveLength(120);
    for (const r of rows) {
      const rank = Number(r["Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"].replace(/,/g, ""));
      expect(rank >= 1 && rank <= 33_755).toBe(true);
      const decile = Number(r["Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"]);
      expect(decile).toBe(Math.min(10, Math.floor(((rank - 1) * 10) / 33_755) + 1));
    }
  });

  it("Fingertips: 26-name header, 25-field CRLF records, LF inside the quoted indicator name, suppression", () => {
    const f = "health/fingertips_asthma_admissions.csv";
    const text = utf8(f);
    expect(BOM(f)).toBe(false);
    expect(allCrlf(text)).toBe(true);
    expect(text).toContain('"Hospital admissions for asthma (under 19 years), crude rate/100,000\n"');
    const [header, ...rows] = parseCsv(text);
    expect(header).toHaveLength(26);
    expect(header[21]).toBe("Compared to England value or percentiles");
    expect(header[22]).toBe("Compared to Local authority value or percentiles");
    for (const r of rows) expect(r).toHaveLength(25);
    const recs = records(text);
    const types = new Set(recs.map((r) => r["Area Type"]));
    expect([...types].sort()).toEqual(["Country", "Local authority", "Region", "Ward"]);
    expect(recs.filter((r) => r["Area Type"] === "Ward" && r["Time period"] === "2023/24")).toHaveLength(20);
    expect(recs.some((r) => r["Category Type"] === "Local authority deprivation deciles in England (IMD2019)" && r["Area Code"] === "Z92000001")).toBe(true);
    const suppressed = recs.filter((r) => r["Value note"] === "Value suppressed for disclosure control due to small count");
    expect(suppressed.length).toBeGreaterThan(0);
    for (const r of suppressed) expect([r.Value, r.Count]).toEqual(["", ""]);
    for (const r of recs.filter((x) => x["Category Type"] === "" && x.Count !== "")) {
      const count = Number(r.Count);
      const den = Number(r.Denominator);
      expect(Number(r.Value)).toBeCloseTo((count / den) * 100_000, 6);
      if (count >= 10) {
        const [lo, hi] = byar(count);
        expect(Number(r["Lower CI 95.0 limit"])).toBeCloseTo((lo / den) * 100_000, 6);
        expect(Number(r["Upper CI 95.0 limit"])).toBeCloseTo((hi / den) * 100_000, 6);
      }
      expect(Number(r["Lower CI 95.0 limit"])).toBeLessThanOrEqual(Number(r.Value));
      expect(Number(r["Lower CI 99.8 limit"])).toBeLessThanOrEqual(Number(r["Lower CI 95.0 limit"]));
      expect(Number(r["Upper CI 99.8 limit"])).toBeGreaterThanOrEqual(Number(r["Upper CI 95.0 limit"]));
    }
    const england = recs.find((r) => r["Area Type"] === "Country" && r["Category Type"] === "")!;
    expect(Number(england.Denominator)).toBeGreaterThan(11_000_000);
  });

  it("local breastfeeding counts: documented header, 12 calendar-quarter periods per ward", () => {
    const text = utf8("health/local_breastfeeding.csv");
    expect(noCr(text)).toBe(true);
    expect(firstLine(text)).toBe("area_code,period,numerator,denominator,breakdown");
    const rows = records(text);
    expect(rows).toHaveLength(240);
    expect(new Set(rows.map((r) => r.period)).size).toBe(12);
    expect(rows[0].period).toBe("2022-Q2");
    expect(rows.every((r) => Number(r.numerator) <= Number(r.denominator) && r.breakdown === "all")).toBe(true);
  });

  it("KS2: BOM, CRLF, record types 1-5, markers, a short NEW row, drifting headers", () => {
    const headers: string[][] = [];
    for (const y of ["2021-2022", "2022-2023", "2023-2024"]) {
      const f = `school/${y}_999_ks2final.csv`;
      expect(BOM(f)).toBe(true);
      expect(allCrlf(utf8(f))).toBe(true);
      const [h, ...rows] = parseCsv(utf8(f).slice(1));
      headers.push(h);
      expect(h.slice(0, 5)).toEqual(["RECTYPE", "ALPHAIND", "LEA", "ESTAB", "URN"]);
      for (const c of ["TOTPUPS", "TELIG", "BELIG", "GELIG", "PBELIG", "PGELIG", "PTRWM_EXP", "PTRWM_HIGH", "READPROG", "PTRWM_EXP_B", "PTRWM_EXP_G"]) expect(h).toContain(c);
      const rectypes = rows.map((r) => r[0]);
      expect(rectypes.filter((t) => t === "1").length).toBeGreaterThanOrEqual(36);
      expect(rectypes.filter((t) => t === "2")).toHaveLength(1);
      expect(rectypes.slice(-3)).toEqual(["3", "4", "5"]);
      const la = rows.find((r) => r[0] === "3")!;
      expect(la[5]).toBe("Northgate");
      expect(la[1]).toBe(" ");
      const cells = rows.flat();
      expect(cells).toContain("SUPP");
      expect(cells.some((c) => /^\d{1,3}%$/.test(c))).toBe(true);
      if (y === "2023-2024") {
        const short = rows.filter((r) => r.length < h.length);
        expect(short).toHaveLength(1);
        expect(short[0][short[0].length - 1]).toBe("NEW");
        expect(short[0]).toHaveLength(h.indexOf("TOTPUPS") + 1);
      } else expect(rows.every((r) => r.length === h.length)).toBe(true);
      if (y === "2022-2023") expect(cells).toContain("LOWCOV");
    }
    expect(headers[0]).not.toEqual(headers[1]);
    expect(headers[1]).not.toEqual(headers[2]);
  });

  it("Windows-1252 both ways: the loader's decoder and the generator's encoder agree with the WHATWG table for every byte", () => {
    const every = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect(decodeCp1252(every)).toBe(decodeWindows1252(every));
    // Every byte that stands for a character (not the five C1 controls the table leaves unassigned) encodes back to itself.
    const assigned = [...every].filter((b) => ![0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b));
    expect([...encodeCp1252(decodeWindows1252(Uint8Array.from(assigned)))]).toEqual(assigned);
    expect(decodeCp1252(Uint8Array.of(0x92))).toBe("\u2019");
  });

  it("GIAS: Windows-1252, CRLF, all fields quoted but URN, one row per KS2 school", () => {
    const f = "school/gias_establishments.csv";
    const raw = bytes(f);
    expect(raw.includes(0x92)).toBe(true); // ’ in cp1252
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(raw)).toThrow();
    const text = cp1252(f);
    expect(allCrlf(text)).toBe(true);
    expect(text).toContain("\u2019");
    expect(text).toContain("\u00e9");
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      '"URN","LA (code)","LA (name)","EstablishmentNumber","EstablishmentName","TypeOfEstablishment (name)","PhaseOfEducation (name)","EstablishmentStatus (name)","Postcode","AdministrativeWard (code)","AdministrativeWard (name)","Easting","Northing","OpenDate"',
    );
    for (const l of lines.slice(1)) expect(l).toMatch(/^\d{6},"999","Northgate",("[^"]*",)*"(\d{2}-\d{2}-\d{4})?"$/);
    const urns = new Set(records(text).map((r) => r.URN));
    for (const y of ["2021-2022", "2022-2023", "2023-2024"]) {
      for (const r of records(utf8(`school/${y}_999_ks2final.csv`))) if (r.RECTYPE === "1" || r.RECTYPE === "2") expect(urns.has(r.URN)).toBe(true);
    }
  });

  it("survey: microdata header, weights summing to the responding adult population, codebook", () => {
    const codebook = JSON.parse(utf8("survey/codebook.json"));
    expect(codebook.survey).toBe("Northgate Residents Survey");
    expect(Object.keys(codebook.languages)).toEqual(["en", "pl", "ro", "ur", "pa"]);
    expect(codebook.weights).toEqual({ design_weight: "design_weight", strata: "stratum" });
    const qids = codebook.questions.map((q: { id: string }) => q.id);
    const header =
      "respondent_id,wave,fieldwork_date,ward_code,stratum,design_weight,interview_language,sex,age_band,q_safe_dark,q_influence,q_satisfied_area,q_get_on,q_problem_drunk,q_problem_drugs,q_priority_1,q_priority_2,q_priority_3,comments";
    for (const q of header.split(",").filter((c) => c.startsWith("q_"))) expect(qids).toContain(q);
    const pops = (year: number) => {
      const m = new Map<string, number>();
      for (const r of records(utf8(`population/sapelsoasyoa${year}.csv`))) m.set(r["LSOA 2021 Code"], Array.from({ length: 75 }, (_, a) => Number(r[`F${a + 16}`]) + Number(r[`M${a + 16}`])).reduce((s, x) => s + x, 0));
      return m;
    };
    const lookup = records(utf8("geography/LSOA21_WD24_LAD24_lookup.csv"));
    let emptyWardWaves = 0;
    for (const [file, year] of [["residents_survey_2023.csv", 2022], ["residents_survey_2024.csv", 2023], ["residents_survey_2025.csv", 2024]] as const) {
      const text = utf8(`survey/${file}`);
      expect(firstLine(text)).toBe(header);
      expect(noCr(text)).toBe(true);
      const rows = records(text);
      const wards = new Set(rows.map((r) => r.ward_code));
      if (wards.size === 19) emptyWardWaves++;
      const adult = pops(year);
      const responding = lookup.filter((l) => wards.has(l.WD24CD)).reduce((s, l) => s + adult.get(l.LSOA21CD)!, 0);
      const weights = rows.reduce((s, r) => s + Number(r.design_weight), 0);
      expect(Math.abs(weights - responding) / responding).toBeLessThan(1e-4);
      const focusN = rows.filter((r) => r.ward_code === FOCUS).length;
      expect(focusN).toBeGreaterThanOrEqual(140);
      for (const r of rows) {
        expect(r.stratum).toMatch(new RegExp(`^${r.ward_code}-(young|old)$`));
        expect(["F", "M", "X"]).toContain(r.sex);
        expect(["en", "pl", "ro", "ur", "pa"]).toContain(r.interview_language);
        if (r.comments) expect(r.comments.startsWith("SYNTHETIC: ")).toBe(true);
      }
      expect(rows.some((r) => r.comments.includes("\n"))).toBe(true);
      expect(rows.some((r) => /07700 900\d{3}/.test(r.comments))).toBe(true);
    }
    expect(emptyWardWaves).toBe(1);
  });

  it("CRM export: Windows-1252, CRLF, header, dates, O’Brien decoded correctly", () => {
    const f = "complaints/crm_export.csv";
    expect(bytes(f).includes(0x92)).toBe(true);
    const text = cp1252(f);
    expect(allCrlf(text)).toBe(true);
    expect(firstLine(text)).toBe(
      "Case Reference,Date Received,Date Closed,Category,Service,Channel,Status,Ward,Ward Code,Postcode,UPRN,Customer Name,Address,Telephone,Email,Description",
    );
    expect(text).toContain("O\u2019Brien");
    expect(text).toContain("Zoë");
    const rows = records(text);
    expect(rows.length > 6000 && rows.length < 9000).toBe(true);
    for (const r of rows) {
      expect(r["Date Received"]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      if (r.Status === "Open") expect(r["Date Closed"]).toBe("");
      else expect(r["Date Closed"]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
      expect(r.UPRN).toMatch(/^\d{12}$/);
      if (r.Email) expect(r.Email).toMatch(/@example\.com$/);
    }
    expect(rows.some((r) => r.Description.includes('"'))).toBe(true);
    expect(rows.some((r) => r.Ward !== r.Ward.trim() || /  /.test(r.Ward))).toBe(true);
    // Repeat issues: same postcode and category within 28 days.
    const ymd = (d: string) => Date.UTC(Number(d.slice(6, 10)), Number(d.slice(3, 5)) - 1, Number(d.slice(0, 2)));
    const last = new Map<string, number>();
    let repeats = 0;
    for (const r of rows) {
      const key = `${r.Postcode}|${r.Category}`;
      const t = ymd(r["Date Received"]);
      if (last.has(key) && t - last.get(key)! <= 28 * 86_400_000) repeats++;
      last.set(key, t);
    }
    expect(repeats).toBeGreaterThan(100);
  });
});

describe(`demo generator: real-format headers${sharedSkipReason}`, () => {
  it.skipIf(!hasShared)("police header equals the real police.uk street file's", () => {
    const real = readFileSync(realData("police", "2019-01-kent-street.csv"), "utf8").split("\n")[0];
    expect(utf8("police/2022-04/2022-04-demo-street.csv").split("\n")[0]).toBe(real);
  });

  it.skipIf(!hasShared)("Fingertips header equals the real export's but for the comparator column", () => {
    const real = parseCsv(readFileSync(realData("fingertips", "indicators-CountyUA.data.csv"), "utf8"))[0];
    const ours = parseCsv(utf8("health/fingertips_asthma_admissions.csv"))[0];
    expect(ours).toHaveLength(real.length);
    ours.forEach((c, i) => (i === 22 ? expect(c.startsWith("Compared to ") && real[i].startsWith("Compared to ")).toBe(true) : expect(c).toBe(real[i])));
  });

  it.skipIf(!hasShared)("KS2 column names are real DfE names (prior-year suffixes mapped to the sample's _18)", () => {
    const real = new Set(parseCsv(readFileSync(realData("dfe", "2018-2019_850_ks2final.csv"), "utf8").replace(/^\uFEFF/, ""))[0]);
    for (const y of ["2021-2022", "2022-2023", "2023-2024"]) {
      const h = parseCsv(utf8(`school/${y}_999_ks2final.csv`).slice(1))[0];
      for (const c of h) expect(real.has(c.replace(/_(22|23)$/, "_18")), c).toBe(true);
    }
  });

  it.skipIf(!hasShared)("GIAS quoting follows the real extract (quoted header, unquoted numeric URN)", () => {
    const real = readFileSync(realData("dfe", "2021-05-07_850_936_gias.csv"), "latin1").split("\r\n");
    const ours = cp1252("school/gias_establishments.csv").split("\r\n");
    expect(real[0].startsWith('"URN","LA (code)"')).toBe(true);
    expect(ours[0].startsWith('"URN","LA (code)"')).toBe(true);
    expect(real[1]).toMatch(/^\d+,"/);
    expect(ours[1]).toMatch(/^\d+,"/);
  });

  it.skipIf(!hasShared)("IoD rank/decile headers are the real IoD2019 names; ranks use the File 1 separator style", () => {
    const real = parseCsv(readFileSync(realData("imd2019", "File_2_-_IoD2019_Domains_of_Deprivation.kent-medway.csv"), "utf8").replace(/^\uFEFF/, ""))[0];
    const ours = parseCsv(utf8("deprivation/iod_lsoa_scores.csv").replace(/^\uFEFF/, ""))[0];
    expect(real).toContain(ours[5]);
    expect(real).toContain(ours[6]);
    expect(readFileSync(realData("imd2019", "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"), "utf8")).toMatch(/,"\d{1,2},\d{3}",/);
  });
});

// ---------------------------------------------------------------- codes

describe("demo generator: codes", () => {
  it("uses only Z-prefixed area codes: nothing that looks like a real E/W/S/N/K GSS code", () => {
    for (const f of filesA) {
      const text = /gias|crm_export/.test(f) ? cp1252(f) : utf8(f);
      expect(text.match(/\b[EWSNK]\d{8}\b/g), f).toBeNull();
    }
    const codes = [
      ...records(utf8("geography/WD24_LAD24_RGN24_CTRY24_lookup.csv")).flatMap((r) => [r.WD24CD, r.LAD24CD, r.RGN24CD, r.CTRY24CD]),
      ...records(utf8("geography/LSOA21_WD24_LAD24_lookup.csv")).map((r) => r.LSOA21CD),
    ];
    for (const c of codes) expect(c).toMatch(/^Z\d{8}$/);
  });
});

// ---------------------------------------------------------------- the story

describe("demo generator: the focus-ward story holds in the generated files", () => {
  const lookup = () => new Map(records(utf8("geography/LSOA21_WD24_LAD24_lookup.csv")).map((r) => [r.LSOA21CD, r.WD24CD]));
  /** Population by ward for a year (all ages). */
  const wardPop = (year: number) => {
    const lw = lookup();
    const m = new Map<string, number>();
    for (const r of records(utf8(`population/sapelsoasyoa${year}.csv`))) {
      const w = lw.get(r["LSOA 2021 Code"])!;
      m.set(w, (m.get(w) ?? 0) + Number(r.Total));
    }
    return m;
  };
  const sum = (m: Map<string, number>) => [...m.values()].reduce((s, x) => s + x, 0);

  it("crime: violence, all crime and ASB significantly higher, criminal damage similar, ASB easing", () => {
    const lw = lookup();
    const asbRate: number[] = [];
    for (const fy of FYS) {
      const pop = wardPop(fy.year);
      const counts = { focus: new Map<string, number>(), all: new Map<string, number>() };
      for (const f of filesA.filter((x) => x.startsWith("police/") && x.slice(7, 14) >= fy.start && x.slice(7, 14) <= fy.end)) {
        for (const r of records(utf8(f))) {
          const ward = lw.get(r["LSOA code"]);
          if (!ward) continue; // Southmoor and no-location rows are outside the borough.
          for (const key of [r["Crime type"], "all"]) {
            counts.all.set(key, (counts.all.get(key) ?? 0) + 1);
            if (ward === FOCUS) counts.focus.set(key, (counts.focus.get(key) ?? 0) + 1);
          }
        }
      }
      const vs = (type: string) => rateVs(counts.focus.get(type)!, pop.get(FOCUS)!, counts.all.get(type)! / sum(pop));
      expect(vs("Violence and sexual offences"), fy.label).toBe("higher");
      expect(vs("all"), fy.label).toBe("higher");
      expect(vs("Anti-social behaviour"), fy.label).toBe("higher");
      expect(vs("Criminal damage and arson"), fy.label).toBe("similar");
      asbRate.push(counts.focus.get("Anti-social behaviour")! / pop.get(FOCUS)!);
    }
    expect(asbRate[2]).toBeLessThan(asbRate[0]);
  });

  it("asthma admissions: the focus ward's 95% interval is above the borough value every period", () => {
    const recs = records(utf8("health/fingertips_asthma_admissions.csv")).filter((r) => r["Category Type"] === "");
    for (const period of ["2021/22", "2022/23", "2023/24"]) {
      const la = recs.find((r) => r["Area Code"] === LA && r["Time period"] === period)!;
      const ward = recs.find((r) => r["Area Code"] === FOCUS && r["Time period"] === period)!;
      expect(Number(ward["Lower CI 95.0 limit"])).toBeGreaterThan(Number(la.Value));
      expect(ward["Compared to Local authority value or percentiles"]).toBe("Worse");
    }
  });

  it("KS2: the focus ward's pooled RWM expected standard is significantly below the borough", () => {
    const wardOf = new Map(records(cp1252("school/gias_establishments.csv")).map((r) => [r.URN, r["AdministrativeWard (code)"]]));
    for (const y of ["2021-2022", "2022-2023", "2023-2024"]) {
      const rows = records(utf8(`school/${y}_999_ks2final.csv`));
      const la = rows.find((r) => r.RECTYPE === "3")!;
      let k = 0;
      let n = 0;
      for (const r of rows) {
        if (r.RECTYPE !== "1" || wardOf.get(r.URN) !== FOCUS || !/^\d+%$/.test(r.PTRWM_EXP ?? "")) continue;
        k += Math.round((Number(r.TELIG) * Number(r.PTRWM_EXP.slice(0, -1))) / 100);
        n += Number(r.TELIG);
      }
      expect(n).toBeGreaterThan(80);
      expect(propVs(k, n, Number(la.PTRWM_EXP.slice(0, -1)) / 100), y).toBe("lower");
    }
  });

  it("survey: focus ward feels less safe after dark, and says people get on better", () => {
    for (const file of ["residents_survey_2023.csv", "residents_survey_2024.csv", "residents_survey_2025.csv"]) {
      const rows = records(utf8(`survey/${file}`));
      for (const [q, want] of [["q_safe_dark", "lower"], ["q_get_on", "higher"]] as const) {
        let wp = 0;
        let wt = 0;
        let k = 0;
        let n = 0;
        for (const r of rows) {
          if (r[q] === "9") continue;
          const pos = r[q] === "1" || r[q] === "2";
          wt += Number(r.design_weight);
          if (pos) wp += Number(r.design_weight);
          if (r.ward_code === FOCUS) (n += 1), (k += pos ? 1 : 0);
        }
        expect(propVs(k, n, wp / wt), `${file} ${q}`).toBe(want);
      }
    }
  });

  it("complaints per 1,000 residents are significantly higher in the focus ward", () => {
    const rows = records(cp1252("complaints/crm_export.csv"));
    for (const fy of FYS) {
      const pop = wardPop(fy.year);
      const inFy = rows.filter((r) => {
        const ym = `${r["Date Received"].slice(6, 10)}-${r["Date Received"].slice(3, 5)}`;
        return ym >= fy.start && ym <= fy.end;
      });
      const focus = inFy.filter((r) => r["Ward Code"] === FOCUS).length;
      expect(rateVs(focus, pop.get(FOCUS)!, inFy.length / sum(pop)), fy.label).toBe("higher");
    }
  });

  it("IMD: the focus ward's LSOAs score significantly above the borough, and it is among the 3 most deprived wards", () => {
    const lw = lookup();
    const pop = new Map(records(utf8("population/sapelsoasyoa2022.csv")).map((r) => [r["LSOA 2021 Code"], Number(r.Total)]));
    const scores = records(utf8("deprivation/iod_lsoa_scores.csv")).map((r) => ({
      ward: lw.get(r["LSOA code (2021)"])!,
      pop: pop.get(r["LSOA code (2021)"])!,
      score: Number(r["Index of Multiple Deprivation (IMD) Score"]),
    }));
    const weighted = (xs: typeof scores) => xs.reduce((s, x) => s + x.score * x.pop, 0) / xs.reduce((s, x) => s + x.pop, 0);
    const borough = weighted(scores);
    const focus = scores.filter((s) => s.ward === FOCUS).map((s) => s.score);
    const mean = focus.reduce((s, x) => s + x, 0) / focus.length;
    const sd = Math.sqrt(focus.reduce((s, x) => s + (x - mean) ** 2, 0) / (focus.length - 1));
    expect(mean - (Z * sd) / Math.sqrt(focus.length)).toBeGreaterThan(borough);
    const byWard = [...new Set(scores.map((s) => s.ward))].map((w) => [w, weighted(scores.filter((s) => s.ward === w))] as const).sort((a, b) => b[1] - a[1]);
    expect(byWard.slice(0, 3).map(([w]) => w)).toContain(FOCUS);
  });

  it("breastfeeding at 6-8 weeks is significantly higher in the focus ward each financial year", () => {
    const rows = records(utf8("health/local_breastfeeding.csv"));
    const fyOf = (p: string) => (p.endsWith("Q1") ? Number(p.slice(0, 4)) - 1 : Number(p.slice(0, 4)));
    for (const fy of FYS) {
      const inFy = rows.filter((r) => fyOf(r.period) === fy.year);
      const k = inFy.reduce((s, r) => s + Number(r.numerator), 0);
      const n = inFy.reduce((s, r) => s + Number(r.denominator), 0);
      const f = inFy.filter((r) => r.area_code === FOCUS);
      const fk = f.reduce((s, r) => s + Number(r.numerator), 0);
      const fn = f.reduce((s, r) => s + Number(r.denominator), 0);
      expect(propVs(fk, fn, k / n), fy.label).toBe("higher");
    }
  });
});

describe("demo generator: economy files in the Nomis and DESNZ layouts", () => {
  it("claimant count: the Nomis API CSV by LSOA, CRLF without a final newline, counts rounded to 5, 36 months", () => {
    const text = utf8("economy/NM_162_1_claimant_count_lsoa.csv");
    expect(text.split("\r\n")[0]).toBe("DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,AGE_NAME,MEASURE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME");
    expect(text.endsWith("\r\n")).toBe(false);
    const [, ...rows] = parseCsv(text.replace(/\r\n/g, "\n"));
    expect(rows).toHaveLength(36 * 120);
    expect(rows[0]!.slice(0, 1)).toEqual(["April 2022"]);
    for (const r of rows) expect(Number(r[7]) % 5, r.join(",")).toBe(0);
  });

  it("fuel poverty: a workbook whose LSOA sheet the adapter finds, with the data year in its title", async () => {
    const { fuelPovertyTable, fuelPovertyYear } = await import("../../../sources/economy/fuel-poverty.ts");
    const file = path.join(dirA, "economy/sub-regional-fuel-poverty-tables-2025-2023-data.xlsx");
    const t = await fuelPovertyTable(file);
    expect(t.sheet).toBe("Table 3");
    expect(fuelPovertyYear(file, t.title)).toBe(2023);
    const [h, ...rows] = parseCsv(readFileSync(t.csv, "utf8"));
    expect(h!.slice(5, 7)).toEqual(["Number of households1", "Number of households in fuel poverty1"]);
    expect(rows).toHaveLength(120);
    for (const r of rows) expect(Number(r[6])).toBeLessThanOrEqual(Number(r[5]));
  });
});
