/**
 * The fetch against a local replay server (127.0.0.1 only; no test touches the internet): police.uk
 * archives built from the real Kent samples, the real Fingertips and Nomis files, and ONS feature
 * service answers made from the real lookup. Covers 200, 304, 404, 429 with Retry-After, 500, a
 * time-out, a truncated archive, an HTML error page, a resumed download and a re-issued month.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../../pipelines/core/config.ts";
import "../../../sources/index.ts"; // registers the sources' config blocks
import { memoryLogger } from "../../../pipelines/core/context.ts";
import { messages } from "../../../pipelines/core/messages.ts";
import { runFetch, type FetchOptions } from "../../../pipelines/run-fetch.ts";
import { FETCH_HELP } from "../../../pipelines/fetch.ts";
import { readManifest, retryAfterMs } from "../../../sources/download.ts";
import { archivesFor, forceKey } from "../../../sources/crime/police-uk-fetch.ts";
import { destinationFor, globToRegExp } from "../../../sources/fetch-destination.ts";
import { startReplayServer, type ReplayServer, type Route } from "../../helpers/replay-server.ts";
import { makeZip } from "../../helpers/zip-writer.ts";
import { hasShared, realData, repoRoot, sharedSkipReason } from "../../helpers/shared.ts";
import { realConfig, runSources } from "../helpers.ts";

const servers: ReplayServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function server(routes: Record<string, Route>): Promise<ReplayServer> {
  const s = await startReplayServer(routes);
  servers.push(s);
  return s;
}

/** A config in a fresh folder whose sources read `data/...`, fetching from `base`. */
function configFor(base: string, fetch: Record<string, unknown>, extra: Record<string, unknown> = {}): { dir: string; config: Config } {
  const dir = mkdtempSync(path.join(tmpdir(), "localneeds-fetch-"));
  const json = {
    name: "fetch test",
    parent: "E06000035",
    focus: [{ ward: "E05002255" }],
    baseline: { period: "2018/19" },
    warehouse: "out/warehouse.duckdb",
    geography: { wardVintage: "WD19", lsoaLookup: "data/geo/lookup.csv", lookups: hasShared ? [realData("ons_geography", "LAD19_to_CSP19_PFA19_lookup.csv")] : [] },
    sources: {
      crime: { files: ["data/police/*/*-street.csv"], outcomes: ["data/police/*/*-outcomes.csv"], stopSearch: ["data/police/*/*-stop-and-search.csv"] },
      health: { fingertips: ["data/health/*.data.csv"] },
      economy: { nomis: ["data/economy/NM_*.csv"] },
    },
    fetch: { baseUrls: { policeApi: `${base}/api`, policeArchive: `${base}/data/archive`, fingertips: `${base}/ft/api`, nomis: `${base}/nomis/api/v01`, ons: `${base}/arcgis` }, ...fetch },
    ...extra,
  };
  const file = path.join(dir, "config.json");
  writeFileSync(file, JSON.stringify(json));
  return { dir, config: parseConfig(json, file) };
}

const waits: number[] = [];
const fast: FetchOptions["client"] = { backoffMs: 5, retries: 2, timeoutMs: 2_000, progress: false, sleep: async (ms) => void waits.push(ms) };

function fetchWith(config: Config, client: FetchOptions["client"] = fast) {
  const log = memoryLogger();
  return runFetch({ config, log, client, now: () => new Date("2026-12-01T10:00:00Z") }).then((s) => ({ ...s, log }));
}

const FORCES = JSON.stringify([{ id: "kent", name: "Kent Police" }, { id: "essex", name: "Essex Police" }, { id: "city-of-london", name: "City of London Police" }]);
const DATES = JSON.stringify([{ date: "2019-01", "stop-and-search": ["kent"] }, { date: "2018-12", "stop-and-search": ["kent"] }]);

describe("fetch helpers", () => {
  it("covers a range of months with the fewest 36-month archives", () => {
    expect(archivesFor("2018-10", "2019-01")).toEqual(["2019-01"]);
    expect(archivesFor("2016-02", "2019-01")).toEqual(["2019-01"]);
    expect(archivesFor("2016-01", "2019-01")).toEqual(["2019-01", "2016-01"]);
  });

  it("matches ONS PFA names to police.uk force names", () => {
    expect(forceKey("Kent")).toBe(forceKey("Kent Police"));
    expect(forceKey("London, City of")).toBe(forceKey("City of London Police"));
    expect(forceKey("Avon and Somerset")).toBe(forceKey("Avon & Somerset Constabulary"));
    expect(forceKey("Essex")).not.toBe(forceKey("Kent Police"));
  });

  it("places a file where the config's glob reads it, or says the glob would not", () => {
    expect(globToRegExp("a/**/x-*.csv").test("a/b/c/x-1.csv")).toBe(true);
    expect(globToRegExp("a/*/x.csv").test("a/b/c/x.csv")).toBe(false);
    expect(destinationFor(["/d/police/*/*-street.csv"], "k", "w", "2024-01-kent-street.csv", "2024-01")).toBe("/d/police/2024-01/2024-01-kent-street.csv");
    expect(destinationFor(["/d/police/20*-kent-street*.csv"], "k", "w", "2024-01-kent-street.csv", "2024-01")).toBe("/d/police/2024-01-kent-street.csv");
    expect(destinationFor(["/d/health/asthma.csv"], "k", "w", "indicators-CountyUA.data.csv")).toBe("/d/health/asthma.csv");
    expect(() => destinationFor(["/d/police/*-outcomes.csv"], "sources.crime.files", "w", "2024-01-kent-street.csv")).toThrow(
      messages.fetchNotMatched("/d/police/2024-01-kent-street.csv", "sources.crime.files", ["/d/police/*-outcomes.csv"]),
    );
    expect(() => destinationFor(undefined, "sources.crime.files", "police", "x.csv")).toThrow(messages.fetchNoDestination("police", "sources.crime.files"));
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2026-12-01T10:00:00Z");
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs("Tue, 01 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it("--help documents every source and its endpoints", () => {
    for (const s of ["police", "fingertips", "nomis", "population", "ons", "crimes-street-dates", "by_indicator_id", "NM_162_1", "NM_2014_1", "FeatureServer"]) expect(FETCH_HELP).toContain(s);
    const run = spawnSync(process.execPath, ["--import", "tsx", path.join(repoRoot, "pipelines", "fetch.ts"), "--help"], { encoding: "utf8", cwd: repoRoot });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("fetch.police");
  });
});

describe.skipIf(!hasShared)(`fetch police.uk from the bulk archive${sharedSkipReason}`, () => {
  const months = ["2018-10", "2018-11", "2018-12"];
  const street = Object.fromEntries(months.map((m) => [m, readFileSync(realData("police", `${m}-kent-street.medway-only.csv`))]));
  const outcomes = hasShared ? readFileSync(realData("police", "2019-01-kent-outcomes.head30.csv")) : Buffer.alloc(0);
  const archive = (reissued = false) =>
    makeZip({
      ...Object.fromEntries(months.map((m) => [`${m}/${m}-kent-street.csv`, reissued && m === "2018-11" ? Buffer.concat([street[m]!, Buffer.from("")]).subarray(0, street[m]!.length - 200) : street[m]!])),
      "2019-01/2019-01-kent-outcomes.csv": outcomes,
      "2018-12/2018-12-essex-street.csv": "Crime ID,Month\n",
    });

  it("fetches the months and forces asked, conditional next time, and reports a re-issued month as replaced", async () => {
    let zip = archive();
    let etag = '"v1"';
    const srv = await server({
      "/api/crimes-street-dates": { body: DATES, headers: { "Content-Type": "application/json" } },
      "/api/forces": { body: FORCES, headers: { "Content-Type": "application/json" } },
      "/data/archive/2019-01.zip": () => ({ body: zip, headers: { "Content-Type": "application/zip", ETag: etag } }),
    });
    const { dir, config } = configFor(srv.base, { police: { from: "2018-10", to: "latest" } });
    const first = await fetchWith(config);
    expect(first.counts.problems).toBe(0);
    for (const m of months) expect(readFileSync(path.join(dir, "data", "police", m, `${m}-kent-street.csv`))).toEqual(street[m]);
    expect(readFileSync(path.join(dir, "data", "police", "2019-01", "2019-01-kent-outcomes.csv"))).toEqual(outcomes);
    expect(existsSync(path.join(dir, "data", "police", "2018-12", "2018-12-essex-street.csv"))).toBe(false);
    expect(first.counts.new).toBe(4);
    const manifest = readManifest(config.fetch!.manifest!);
    const entry = manifest.files[path.join(dir, "data", "police", "2018-10", "2018-10-kent-street.csv")]!;
    const november = manifest.files[path.join(dir, "data", "police", "2018-11", "2018-11-kent-street.csv")]!;
    expect(entry).toMatchObject({ source: "crime", etag: '"v1"', bytes: street["2018-10"]!.length, retrievedAt: "2026-12-01T10:00:00.000Z" });
    expect(entry.url).toBe(`${srv.base}/data/archive/2019-01.zip#2018-10/2018-10-kent-street.csv`);
    expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The forces came from the real ONS LAD -> PFA lookup; 2019-01 street is not in the archive: a note, not a failure.
    expect(first.log.lines.join("\n")).toContain("police.uk: kent, 2018-10 to 2019-01");
    expect(first.log.lines.join("\n")).toContain(messages.fetchEntryMissing("2019-01/2019-01-kent-street.csv", `${srv.base}/data/archive/2019-01.zip`));

    const second = await fetchWith(config);
    expect(second.counts).toMatchObject({ new: 0, replaced: 0, unchanged: 4, problems: 0 });
    const archiveRequests = srv.requests.filter((r) => r.url.endsWith("2019-01.zip"));
    expect(archiveRequests.at(-1)!.headers["if-none-match"]).toBe('"v1"');

    zip = archive(true);
    etag = '"v2"';
    const third = await fetchWith(config);
    expect(third.counts).toMatchObject({ new: 0, replaced: 1, problems: 0 });
    const replaced = third.sources[0]!.results.find((r) => r.status === "replaced")!;
    expect(replaced.file).toBe(path.join(dir, "data", "police", "2018-11", "2018-11-kent-street.csv"));
    expect(replaced.previousSha256).toBe(november.sha256);
    expect(replaced.entry.sha256).not.toBe(november.sha256);
    expect(readFileSync(replaced.file).length).toBe(street["2018-11"]!.length - 200);
    expect(third.log.lines.join("\n")).toContain(`replaced: police.uk street-level crime 2018-11`);
  });

  it("says a month is not published yet, and still fetches what is", async () => {
    const srv = await server({
      "/api/crimes-street-dates": { body: DATES },
      "/api/forces": { body: FORCES },
      "/data/archive/2019-01.zip": { body: archive(), headers: { ETag: '"a"' } },
    });
    const { config } = configFor(srv.base, { police: { to: "2019-03", months: 6, forces: ["kent"] } });
    const r = await fetchWith(config);
    expect(r.sources[0]!.problems.map((p) => p.message)).toEqual([messages.fetchNotPublished("police.uk", "2019-03", "2019-01")]);
    expect(r.sources[0]!.problems[0]!.kind).toBe("not_published");
    expect(r.counts.new).toBe(4);
  });

  it("refuses an unknown force id with the known ones", async () => {
    const srv = await server({ "/api/crimes-street-dates": { body: DATES }, "/api/forces": { body: FORCES } });
    const { config } = configFor(srv.base, { police: { forces: ["kentt"] } });
    const r = await fetchWith(config);
    expect(r.sources[0]!.problems[0]!.message).toBe(messages.fetchUnknownForce("kentt", ["kent", "essex", "city-of-london"]));
  });

  it("discards a truncated archive and writes nothing", async () => {
    const whole = archive();
    const srv = await server({
      "/api/crimes-street-dates": { body: DATES },
      "/api/forces": { body: FORCES },
      "/data/archive/2019-01.zip": { body: whole.subarray(0, Math.floor(whole.length / 2)), headers: { ETag: '"t"' } },
    });
    const { dir, config } = configFor(srv.base, { police: { forces: ["kent"], months: 3 } });
    const r = await fetchWith(config);
    expect(r.sources[0]!.problems[0]!.kind).toBe("corrupt");
    expect(r.sources[0]!.problems[0]!.message).toContain("the archive is damaged or incomplete");
    expect(existsSync(path.join(dir, "data", "police"))).toBe(false);
    expect(existsSync(path.join(config.fetch!.cacheDir!, "police", "2019-01.zip"))).toBe(false);
  });

  it("resumes a stalled archive download with a Range request", async () => {
    const whole = archive();
    let calls = 0;
    const srv = await server({
      "/api/crimes-street-dates": { body: DATES },
      "/api/forces": { body: FORCES },
      "/data/archive/2019-01.zip": () => (++calls === 1 ? { body: whole, headers: { ETag: '"r"' }, stallAfter: 1000 } : { body: whole, headers: { ETag: '"r"' } }),
    });
    const { dir, config } = configFor(srv.base, { police: { forces: ["kent"], months: 3 } }, {});
    const first = await fetchWith(config, { ...fast, retries: 0, timeoutMs: 2_000 });
    expect(first.sources[0]!.problems[0]!.kind).toBe("unreachable");
    expect(first.sources[0]!.problems[0]!.message).toBe(messages.fetchInterrupted(`${srv.base}/data/archive/2019-01.zip`, "no bytes for 2 s", 1000));
    const second = await fetchWith(config);
    expect(second.counts.problems).toBe(0);
    const last = srv.requests.filter((r) => r.url.endsWith(".zip")).at(-1)!;
    expect(last.headers["range"]).toBe("bytes=1000-");
    expect(last.headers["if-range"]).toBe('"r"');
    expect(readFileSync(path.join(dir, "data", "police", "2018-12", "2018-12-kent-street.csv"))).toEqual(street["2018-12"]);
  });
});

describe.skipIf(!hasShared)(`fetch Fingertips, Nomis and ONS${sharedSkipReason}`, () => {
  const fingertips = hasShared ? readFileSync(realData("fingertips", "indicators-CountyUA.data.csv")) : Buffer.alloc(0);
  const ftPath = "/ft/api/all_data/csv/by_indicator_id?indicator_ids=93356&child_area_type_id=502&parent_area_type_id=6";

  it("downloads an indicator export as published, then asks conditionally (304)", async () => {
    const srv = await server({ [ftPath]: { body: fingertips, headers: { "Content-Type": "text/csv", "Last-Modified": "Tue, 01 Dec 2026 08:00:00 GMT", ETag: '"ft1"' } } });
    const { dir, config } = configFor(srv.base, { fingertips: { indicators: [93356] } });
    const a = await fetchWith(config);
    expect(a.counts).toMatchObject({ new: 1, problems: 0 });
    expect(readFileSync(path.join(dir, "data", "health", "indicators-CountyUA.data.csv"))).toEqual(fingertips);
    const b = await fetchWith(config);
    expect(b.counts).toMatchObject({ unchanged: 1, new: 0 });
    expect(srv.requests.at(-1)!.headers["if-none-match"]).toBe('"ft1"');
    expect(srv.requests.at(-1)!.headers["if-modified-since"]).toBe("Tue, 01 Dec 2026 08:00:00 GMT");
    expect(srv.requests.at(-1)!.headers["user-agent"]).toMatch(/^localneeds-fetch\//);
  });

  it("tells an HTML error page from data, and keeps the file already there", async () => {
    const srv = await server({ [ftPath]: [{ body: fingertips, headers: { ETag: '"x"' } }, { body: "<!DOCTYPE html><html><body>Service unavailable</body></html>", headers: { "Content-Type": "text/html" } }] });
    const { dir, config } = configFor(srv.base, { fingertips: { indicators: [93356] } });
    await fetchWith(config);
    const file = path.join(dir, "data", "health", "indicators-CountyUA.data.csv");
    writeFileSync(config.fetch!.manifest!, JSON.stringify({ files: {} })); // forget validators: ask again in full
    const r = await fetchWith(config);
    expect(r.sources[0]!.problems[0]!.kind).toBe("html_instead");
    expect(r.sources[0]!.problems[0]!.message).toBe(messages.fetchHtmlInstead(`${srv.base}${ftPath}`, "CSV"));
    expect(readFileSync(file)).toEqual(fingertips);
  });

  it("waits as Retry-After says on 429, retries a 500, and gives up with the status when it lasts", async () => {
    waits.length = 0;
    const srv = await server({
      [ftPath]: [{ status: 429, headers: { "Retry-After": "3" } }, { status: 500 }, { body: fingertips }],
    });
    const { config } = configFor(srv.base, { fingertips: { indicators: [93356] } });
    const r = await fetchWith(config);
    expect(r.counts).toMatchObject({ new: 1, problems: 0 });
    expect(waits[0]).toBe(3000);
    expect(waits).toHaveLength(2);
    expect(r.log.warnings.join("\n")).toContain("HTTP 429; retrying in 3.0 s (retry 1 of 2)");

    const down = await server({ [ftPath]: { status: 503 } });
    const c2 = configFor(down.base, { fingertips: { indicators: [93356] } }).config;
    const r2 = await fetchWith(c2);
    expect(r2.sources[0]!.problems[0]!.message).toBe(messages.fetchHttpStatus(`${down.base}${ftPath}`, 503, 3));
  });

  it("says 404 is a file the publisher does not have", async () => {
    const srv = await server({});
    const { config } = configFor(srv.base, { fingertips: { profiles: [19] } });
    const r = await fetchWith(config);
    expect(r.sources[0]!.problems[0]!.kind).toBe("not_published");
    expect(r.sources[0]!.problems[0]!.message).toContain("answered HTTP 404: the publisher has no such file");
  });

  it("gives up on a publisher that does not answer, as could-not-reach", async () => {
    const srv = await server({ [ftPath]: { body: fingertips, delayMs: 1500 } });
    const { config } = configFor(srv.base, { fingertips: { indicators: [93356] } });
    const r = await fetchWith(config, { ...fast, timeoutMs: 200, retries: 1 });
    expect(r.sources[0]!.problems[0]!.kind).toBe("unreachable");
    expect(r.sources[0]!.problems[0]!.message).toMatch(/^could not reach .* after 2 tries/);
  });

  it("fetches the claimant count for the parent's LSOAs, finding its Nomis id by GSS code", async () => {
    const csv = readFileSync(realData("nomis", "NM_162_1_claimant_count_lsoa.tombolo-fixture.csv"), "utf8");
    const sdmx = { structure: { codelists: { codelist: [{ code: [
      { value: 1811939363, annotations: { annotation: [{ annotationtitle: "GeogCode", annotationtext: "E06000034" }] } },
      { value: 1811939364, annotations: { annotation: [{ annotationtitle: "GeogCode", annotationtext: "E06000035" }] } },
    ] }] } } };
    const srv = await server({
      "/nomis/api/v01/dataset/NM_162_1/geography/TYPE432.def.sdmx.json": { body: JSON.stringify(sdmx) },
      "/nomis/api/v01/dataset/NM_162_1.data.csv": (req) => {
        const q = new URL(req.url!, "http://x").searchParams;
        return q.get("geography") === "1811939364TYPE298" && q.get("date") === "latestMINUS23-latest" ? { body: csv, headers: { "Content-Type": "text/csv" } } : { status: 400, body: "bad query" };
      },
    });
    const { dir, config } = configFor(srv.base, { nomis: {} });
    const r = await fetchWith(config);
    expect(r.counts).toMatchObject({ new: 1, problems: 0 });
    const got = readFileSync(path.join(dir, "data", "economy", "NM_162_1.data.csv"), "utf8");
    expect(got.split(/\r\n/).filter(Boolean)).toEqual(csv.split(/\r?\n/).filter(Boolean));
  });

  it("fetches small-area population estimates for the parent's LSOAs from Nomis, which the population reader stages", async () => {
    const sdmx = { structure: { codelists: { codelist: [{ code: [
      { value: 1946157375, annotations: { annotation: [{ annotationtitle: "GeogCode", annotationtext: "E06000035" }] } },
    ] }] } } };
    // As Nomis answers with select=: every age it has (single years, 90+, All Ages, a band), persons, males and females.
    const ages = [...Array.from({ length: 90 }, (_, a) => `Age ${a}`), "Age 90+", "All Ages", "Aged 16 to 64"];
    const header = "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,C_AGE_NAME,MEASURES_NAME,OBS_VALUE";
    const lines = [header];
    for (const [code, name] of [["E01016026", "Medway 028A"], ["E01016028", "Medway 028C"]])
      for (const [g, per] of [["Total", 20], ["Male", 9], ["Female", 11]] as const)
        for (const age of ages) lines.push(`2020,${name},${code},${g},${age},Value,${age === "All Ages" ? per * 91 : age === "Aged 16 to 64" ? per * 49 : per}`);
    const srv = await server({
      "/nomis/api/v01/dataset/NM_2010_1/geography/TYPE432.def.sdmx.json": { body: JSON.stringify(sdmx) },
      "/nomis/api/v01/dataset/NM_2010_1.data.csv": (req) => {
        const q = new URL(req.url!, "http://x").searchParams;
        const asked = q.get("geography") === "1946157375TYPE298" && q.get("date") === "latestMINUS1-latest" && q.get("gender") === "0,1,2" && q.get("measures") === "20100";
        return asked ? { body: lines.join("\r\n") + "\r\n", headers: { "Content-Type": "text/csv" } } : { status: 400, body: "bad query" };
      },
    });
    const { dir, config } = configFor(srv.base, { nomisPopulation: { dataset: "NM_2010_1", areaType: "TYPE298", years: 2 } }, { sources: { population: { files: ["data/population/*.csv"] } } });
    const r = await fetchWith(config, fast);
    expect(r.counts).toMatchObject({ new: 1, problems: 0 });
    const file = path.join(dir, "data", "population", "NM_2010_1.data.csv");
    expect(readFileSync(file, "utf8").split("\r\n").filter(Boolean)).toHaveLength(lines.length);
    const { db } = await runSources(realConfig({ sources: { population: { files: [file] } } }));
    try {
      // The finest ages, by sex: 91 single years (90 = 90+) for each LSOA, neither All Ages nor the band added on.
      expect(await db.all(`SELECT lsoa_code, sex, count(*)::INTEGER AS ages, sum(population)::INTEGER AS people FROM staging.population_lsoa GROUP BY ALL ORDER BY ALL`)).toEqual([
        { lsoa_code: "E01016026", sex: "F", ages: 91, people: 1001 }, { lsoa_code: "E01016026", sex: "M", ages: 91, people: 819 },
        { lsoa_code: "E01016028", sex: "F", ages: 91, people: 1001 }, { lsoa_code: "E01016028", sex: "M", ages: 91, people: 819 },
      ]);
    } finally {
      db.close();
    }
  });

  it("writes an ONS lookup from the feature service, page by page, with the published columns", async () => {
    const lines = readFileSync(realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"), "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter(Boolean);
    const header = lines[0]!.split(",");
    const medway = lines.slice(1).filter((l) => l.includes("E06000035")).map((l) => Object.fromEntries(l.split(",").map((v, i) => [header[i]!, v])));
    expect(medway.length).toBeGreaterThan(100);
    const fields = header.map((name) => ({ name, type: name === "FID" ? "esriFieldTypeOID" : "esriFieldTypeString" }));
    const srv = await server({
      "/arcgis/LSOA11_WD19_LAD19_EW_LU/FeatureServer/0": { body: JSON.stringify({ fields }) },
      "/arcgis/LSOA11_WD19_LAD19_EW_LU/FeatureServer/0/query": (req) => {
        const q = new URL(req.url!, "http://x").searchParams;
        if (q.get("where") !== "LAD19CD='E06000035'") return { status: 400 };
        const off = Number(q.get("resultOffset"));
        const n = Number(q.get("resultRecordCount"));
        const size = 100; // the service's own cap, below what was asked
        const page = medway.slice(off, off + Math.min(n, size));
        return { body: JSON.stringify({ features: page.map((attributes) => ({ attributes })), exceededTransferLimit: off + size < medway.length }) };
      },
    });
    const { dir, config } = configFor(srv.base, { ons: { lsoaLookup: { service: "LSOA11_WD19_LAD19_EW_LU" } } });
    const r = await fetchWith(config);
    expect(r.counts).toMatchObject({ new: 1, problems: 0 });
    const got = readFileSync(path.join(dir, "data", "geo", "lookup.csv"), "utf8").split(/\r\n/).filter(Boolean);
    expect(got[0]).toBe(header.join(","));
    expect(got.length - 1).toBeLessThan(1000);
  });
});

describe("fetch config", () => {
  it("says so when the config has no fetch block", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "localneeds-fetch-"));
    mkdirSync(dir, { recursive: true });
    const config = parseConfig({ name: "x", parent: "E06000035", focus: [{ ward: "E05002255" }], baseline: { period: "2018/19" }, geography: { wardVintage: "WD19", lsoaLookup: "l.csv" }, sources: {} }, path.join(dir, "c.json"));
    await expect(runFetch({ config, log: memoryLogger() })).rejects.toThrow(messages.fetchNothingConfigured(config.configPath));
  });
});
