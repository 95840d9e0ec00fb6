/**
 * `npx tsx pipelines/fetch.ts --config FILE [--only SOURCES] [--json-log]`: download the public
 * data a config's sources read (see `run-fetch.ts`). The only place of the fetch that reads argv
 * or exits. Exit codes (see FETCH_EXIT): 0 everything asked for was fetched or is unchanged;
 * 1 something could not be fetched (what was fetched is kept); 2 bad usage.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "./core/config.ts";
import "../sources/index.ts"; // registers the sources' config blocks
import { consoleLogger, jsonLogger } from "./core/context.ts";
import { LocalneedsError } from "./core/messages.ts";
import { FETCH_SOURCES, runFetch, type FetchSource } from "./run-fetch.ts";

/** Exit codes, documented in --help and the README. */
export const FETCH_EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The --help text: every source, its endpoints and its config keys. */
export const FETCH_HELP = `Usage: npx tsx pipelines/fetch.ts --config FILE [--only SOURCES] [--json-log]

Downloads the public data the config's sources read, into the folders their globs name, under the
publishers' own file names, and records each file in a fetch manifest (URL, retrieval time, ETag or
Last-Modified, SHA-256, bytes). Unchanged files are not downloaded again (conditional requests);
interrupted downloads resume; 429 and 5xx answers are retried, honouring Retry-After. The build
itself never fetches: run this first, or build with --refresh --fetch.

Sources (each runs when the config's "fetch" block names it):
  police      police.uk street-level crime, outcomes and stop-and-search CSVs for the force(s)
              covering the parent authority, from the bulk monthly archive
              (data.police.uk/data/archive/YYYY-MM.zip; months from api/crimes-street-dates,
              force ids from api/forces).
              fetch.police: { "from": "2024-01", "to": "latest" | "YYYY-MM", "months": 12, "forces": ["kent"] }
              -> sources.crime.files / outcomes / stopSearch
  fingertips  OHID Fingertips indicator data by indicator ids or profile ids, for an area type,
              with its regions and England (api/all_data/csv/by_indicator_id, by_profile_id).
              fetch.fingertips: { "indicators": [93356], "profiles": [19], "areaTypeId": 502, "parentAreaTypeId": 6 }
              -> sources.health.fingertips
  nomis       Nomis claimant count (NM_162_1) by LSOA inside the parent, monthly
              (api/v01/dataset/NM_162_1.data.csv; the parent's Nomis id from its geography list).
              fetch.nomis: { "months": 24, "to": "latest", "geography": "<Nomis id>", "areaType": "TYPE298" }
              -> sources.economy.nomis
  nomisPopulation
              ONS small-area population estimates from Nomis (NM_2014_1, LSOAs 2021; NM_2010_1 for
              LSOAs 2011) for the LSOAs inside the parent: persons, males and females, every age.
              fetch.nomisPopulation: { "years": 1, "dataset": "NM_2014_1", "areaType": "TYPE151" }
              -> sources.population.files
  ons         ONS Open Geography lookups and boundaries from the portal's ArcGIS feature services
              (FeatureServer/0/query), filtered to the parent authority.
              fetch.ons: { "lsoaLookup": { "service": "LSOA21_WD24_LAD24_EW_LU" },
                           "wardBoundaries": { "service": "WD_MAY_2024_UK_BGC" } }
              -> geography.lsoaLookup / hierarchy / wardBoundaries / lsoaBoundaries

Every base URL can be changed in fetch.baseUrls (policeApi, policeArchive, fingertips, nomis, ons).

Options:
  --config FILE    the build config (required)
  --only SOURCES   comma-separated subset of: ${FETCH_SOURCES.join(", ")}
  --json-log       log one JSON object per line
  -h, --help       show this help

Exit codes:
  0  everything asked for was fetched, or is unchanged at the publisher
  1  something could not be fetched: "could not reach", "not published yet" and "an HTML page
     instead of CSV" are told apart in the message; files already on disk are kept as they were
  2  bad usage`;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { config: { type: "string" }, only: { type: "string" }, "json-log": { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${FETCH_HELP}\n`);
    return FETCH_EXIT.usage;
  }
  if (args.values.help) {
    process.stdout.write(FETCH_HELP + "\n");
    return FETCH_EXIT.ok;
  }
  if (!args.values.config) {
    process.stderr.write(`--config is required\n\n${FETCH_HELP}\n`);
    return FETCH_EXIT.usage;
  }
  const only = args.values.only?.split(",").map((s) => s.trim()) as FetchSource[] | undefined;
  const unknown = only?.filter((s) => !(FETCH_SOURCES as readonly string[]).includes(s));
  if (unknown?.length) {
    process.stderr.write(`--only: unknown source(s) ${unknown.join(", ")} (expected ${FETCH_SOURCES.join(", ")})\n`);
    return FETCH_EXIT.usage;
  }
  const log = args.values["json-log"] ? jsonLogger() : consoleLogger(process.stderr);
  try {
    const summary = await runFetch({ config: loadConfig(args.values.config), log, only });
    return summary.counts.problems ? FETCH_EXIT.failed : FETCH_EXIT.ok;
  } catch (err) {
    const message = err instanceof LocalneedsError ? err.message : `${(err as Error).message} (an unexpected failure: please report it with the command you ran)`;
    log.warn(`error: ${message}`);
    return FETCH_EXIT.failed;
  }
}

process.exitCode = await main();
