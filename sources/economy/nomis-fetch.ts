/**
 * Fetch the Nomis claimant count (`NM_162_1`, or another dataset of the same layout) for the
 * areas inside the parent authority, monthly, as the CSV the Nomis adapter reads.
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

/** Rows Nomis gives a guest per call. */
export const NOMIS_PAGE_ROWS = 25_000;
const SELECT = "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER_NAME,AGE_NAME,MEASURE_NAME,MEASURES_NAME,OBS_VALUE,OBS_STATUS_NAME";

interface SdmxCodelist {
  structure?: { codelists?: { codelist?: { code?: { value: number | string; annotations?: { annotation?: { annotationtitle: string; annotationtext: string | number }[] } }[] }[] } };
}

/** The parent's Nomis geography id, from the dataset's list of authorities. */
async function nomisGeography(ctx: FetchContext, base: string, dataset: string, type: string): Promise<string> {
  const url = `${base}/dataset/${dataset}/geography/${type}.def.sdmx.json`;
  const list = await ctx.dl.json<SdmxCodelist>(url);
  for (const cl of list.structure?.codelists?.codelist ?? [])
    for (const code of cl.code ?? [])
      if ((code.annotations?.annotation ?? []).some((a) => a.annotationtitle === "GeogCode" && String(a.annotationtext) === ctx.config.parent)) return String(code.value);
  throw new FetchError(messages.fetchNomisGeographyUnknown(ctx.config.parent, type), "not_published", url);
}

/** Fetch the Nomis download the config reads. */
export async function fetchNomis(ctx: FetchContext): Promise<SourceFetch> {
  const out: SourceFetch = { source: "nomis", results: [], problems: [], notes: [] };
  const n = ctx.config.fetch.nomis!;
  const base = ctx.config.fetch.baseUrls.nomis;
  try {
    const dest = destinationFor(ctx.config.sources.economy?.nomis, "sources.economy.nomis", "Nomis", `${n.dataset}.data.csv`);
    const geography = n.geography ?? (await nomisGeography(ctx, base, n.dataset, n.authorityType));
    const date = n.to === "latest" ? `latestMINUS${n.months - 1}-latest` : monthRange(addMonths(n.to, -(n.months - 1)), n.to).join(",");
    const query = `geography=${geography}${geography.includes("TYPE") ? "" : n.areaType}&date=${date}&gender=0&age=0&measure=1&measures=20100&select=${SELECT}`;
    const first = `${base}/dataset/${n.dataset}.data.csv?${query}`;
    let text = "";
    for (let offset = 0; ; offset += NOMIS_PAGE_ROWS) {
      const page = await ctx.dl.csvText(offset ? `${first}&recordoffset=${offset}` : first);
      const lines = page.replace(/\r?\n$/, "").split(/\r?\n/);
      text += (offset ? lines.slice(1) : lines).join("\r\n") + "\r\n";
      if (lines.length - 1 < NOMIS_PAGE_ROWS) break;
    }
    const r = await ctx.dl.record("economy.nomis", first, dest, text);
    out.results.push({ ...r, what: `Nomis ${n.dataset}` });
  } catch (err) {
    if (err instanceof FetchError) out.problems.push(err);
    else throw err;
  }
  return out;
}
