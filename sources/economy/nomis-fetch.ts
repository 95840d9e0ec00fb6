/**
 * Fetch from Nomis, for the areas inside the parent authority, as the CSVs the adapters read: the
 * claimant count (`NM_162_1`, or another dataset of the same layout), monthly, and the ONS
 * small-area population estimates (`NM_2014_1`, LSOAs 2021; `NM_2010_1`, LSOAs 2011).
 *
 * - The parent's Nomis geography id: `GET {nomis}/dataset/{dataset}/geography/{authorityType}.def.sdmx.json`,
 *   the code whose `GeogCode` annotation is the parent's GSS code (Nomis ids are its own integers).
 * - The data: `GET {nomis}/dataset/{dataset}.data.csv?geography={id}{areaType}&date=..&gender=0&age=0&measure=1&measures=20100&select=..`,
 *   paged with `recordoffset` (a guest gets 25,000 rows per call).
 *
 * Documented at nomisweb.co.uk/api/v01/help; nomisr's `nomis_get_data()` builds the same calls.
 */
import { messages } from "../../pipelines/core/messages.ts";
import { FetchError } from "../download.ts";
import { destinationFor } from "../fetch-destination.ts";
import { addMonths, monthRange, type FetchContext, type SourceFetch } from "../fetch-context.ts";
import { NOMIS_CLAIMANT_SELECT } from "./nomis.ts";

/** Rows Nomis gives a guest per call. */
export const NOMIS_PAGE_ROWS = 25_000;
const SELECT = NOMIS_CLAIMANT_SELECT;

interface SdmxCodelist {
  structure?: { codelists?: { codelist?: { code?: { value: number | string; annotations?: { annotation?: { annotationtitle: string; annotationtext: string | number }[] } }[] }[] } };
}

/** The parent's Nomis geography id, from the dataset's list of authorities. */
async function nomisGeography(ctx: FetchContext, base: string, dataset: string, type: string, block: "nomis" | "nomisPopulation"): Promise<string> {
  const url = `${base}/dataset/${dataset}/geography/${type}.def.sdmx.json`;
  const list = await ctx.dl.json<SdmxCodelist>(url);
  for (const cl of list.structure?.codelists?.codelist ?? [])
    for (const code of cl.code ?? [])
      if ((code.annotations?.annotation ?? []).some((a) => a.annotationtitle === "GeogCode" && String(a.annotationtext) === ctx.config.parent)) return String(code.value);
  throw new FetchError(messages.fetchNomisGeographyUnknown(ctx.config.parent, type, block), "not_published", url);
}

/** One Nomis dataset's rows for the areas inside the parent, as one CSV file. */
interface NomisTable {
  /** The config's fetch block (`nomis`, `nomisPopulation`): its settings and the name its messages use. */
  block: "nomis" | "nomisPopulation";
  dataset: string;
  geography?: string;
  authorityType: string;
  areaType: string;
  /** The query after `geography=` (dates and the dataset's own dimensions). */
  query: string;
  /** The config slot the file is read from (manifest `source`) and where it goes. */
  slot: string;
  dest: string;
}

/** Fetch one Nomis table, paged, into `dest`; a FetchError becomes a problem of `out`. */
async function fetchNomisTable(ctx: FetchContext, out: SourceFetch, t: NomisTable): Promise<void> {
  const base = ctx.config.fetch.baseUrls.nomis;
  try {
    const geography = t.geography ?? (await nomisGeography(ctx, base, t.dataset, t.authorityType, t.block));
    const first = `${base}/dataset/${t.dataset}.data.csv?geography=${geography}${geography.includes("TYPE") ? "" : t.areaType}&${t.query}`;
    let text = "";
    for (let offset = 0; ; offset += NOMIS_PAGE_ROWS) {
      const page = await ctx.dl.csvText(offset ? `${first}&recordoffset=${offset}` : first);
      const lines = page.replace(/\r?\n$/, "").split(/\r?\n/);
      text += (offset ? lines.slice(1) : lines).join("\r\n") + "\r\n";
      if (lines.length - 1 < NOMIS_PAGE_ROWS) break;
    }
    const r = await ctx.dl.record(t.slot, first, t.dest, text);
    out.results.push({ ...r, what: `Nomis ${t.dataset}` });
  } catch (err) {
    if (err instanceof FetchError) out.problems.push(err);
    else throw err;
  }
}

/** The latest `n` dates of a dataset, or the `n` months to `to`, as Nomis's `date=` takes them. */
const nomisDates = (n: number, to: string | "latest") =>
  to === "latest" ? (n === 1 ? "latest" : `latestMINUS${n - 1}-latest`) : monthRange(addMonths(to, -(n - 1)), to).join(",");

/** Fetch the Nomis claimant count the config reads (`fetch.nomis` -> `sources.economy.nomis`). */
export async function fetchNomis(ctx: FetchContext): Promise<SourceFetch> {
  const out: SourceFetch = { source: "nomis", results: [], problems: [], notes: [] };
  const n = ctx.config.fetch.nomis!;
  const dest = destinationFor(ctx.config.sources.economy?.nomis, "sources.economy.nomis", "Nomis", `${n.dataset}.data.csv`);
  await fetchNomisTable(ctx, out, {
    block: "nomis", ...n, slot: "economy.nomis", dest,
    query: `date=${nomisDates(n.months, n.to)}&gender=0&age=0&measure=1&measures=20100&select=${SELECT}`,
  });
  return out;
}

/** Columns of a population download: those the Nomis population reader takes (`sources/population/nomis-population.ts`). */
const POPULATION_SELECT = "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,C_AGE_NAME,MEASURES_NAME,OBS_VALUE";

/**
 * Fetch ONS small-area population estimates from Nomis (`fetch.nomisPopulation` -> `sources.population.files`):
 * the LSOAs inside the parent, the latest `years` mid-years, persons, males and females, every age
 * the dataset gives (single years, 90+ and its bands: the reader keeps the finest), counts only.
 */
export async function fetchNomisPopulation(ctx: FetchContext): Promise<SourceFetch> {
  const out: SourceFetch = { source: "nomisPopulation", results: [], problems: [], notes: [] };
  const p = ctx.config.fetch.nomisPopulation!;
  const dest = destinationFor(ctx.config.sources.population?.files, "sources.population.files", "Nomis population estimates", `${p.dataset}.data.csv`);
  await fetchNomisTable(ctx, out, {
    block: "nomisPopulation", ...p, slot: "population", dest,
    query: `date=${nomisDates(p.years, "latest")}&gender=0,1,2&measures=20100&select=${POPULATION_SELECT}`,
  });
  return out;
}
