/**
 * Fetch police.uk street-level crime, outcomes and stop-and-search files for the forces covering
 * the parent authority, for the months asked.
 *
 * - The months published: `GET {policeApi}/crimes-street-dates` (data.police.uk/docs/method/crimes-street-dates).
 * - Force ids: `GET {policeApi}/forces` (data.police.uk/docs/method/forces), matched to the PFA
 *   name of an ONS LAD-to-PFA lookup in `geography.lookups` when `fetch.police.forces` is not set.
 * - The files: the bulk monthly archive `{policeArchive}/YYYY-MM.zip` (data.police.uk/data/archive),
 *   which holds every force's files for the 36 months to YYYY-MM. The API has no LSOA codes, so
 *   the archive is the only source of the CSVs the crime adapter reads. The archive is cached (a
 *   conditional request next time) and only the wanted entries are extracted.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { messages } from "../../pipelines/core/messages.ts";
import { FetchError } from "../download.ts";
import { destinationFor } from "../fetch-destination.ts";
import { addMonths, monthRange, type FetchContext, type SourceFetch } from "../fetch-context.ts";
import { extractEntries } from "../zip.ts";
import { parseFirstRecord } from "../files.ts";

/** The kinds of police.uk file, their archive suffix and the config key whose globs read them. */
const KINDS = [
  { kind: "street", key: "sources.crime.files", what: "police.uk street-level crime", globs: (c: FetchContext["config"]) => c.sources.crime?.files },
  { kind: "outcomes", key: "sources.crime.outcomes", what: "police.uk outcomes", globs: (c: FetchContext["config"]) => c.sources.crime?.outcomes },
  { kind: "stop-and-search", key: "sources.crime.stopSearch", what: "police.uk stop and search", globs: (c: FetchContext["config"]) => c.sources.crime?.stopSearch },
] as const;

/** The archives (by their month) that together hold `from`..`to`: each holds its own month and the 35 before. */
export function archivesFor(from: string, to: string): string[] {
  const out: string[] = [];
  for (let a = to; ; a = addMonths(a, -36)) {
    out.push(a);
    if (addMonths(a, -35) <= from) return out;
  }
}

/** A force name reduced for matching an ONS PFA name to police.uk's ("Kent" ~ "Kent Police"). */
export function forceKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z ]/g, " ")
    .split(/\s+/)
    .filter((w) => w && !["police", "constabulary", "service", "the"].includes(w))
    .sort()
    .join(" ");
}

/** PFA names of the parent in the configured ONS lookups (a LADyyCD and a PFAyyNM column). */
function pfaNamesFromLookups(ctx: FetchContext): string[] {
  const names = new Set<string>();
  for (const file of ctx.config.geography.lookups ?? []) {
    const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    const lines = text.split(/\r?\n/);
    const header = parseFirstRecord(lines[0] ?? "") ?? [];
    const lad = header.findIndex((h) => /^LAD\d{2}CD$/i.test(h.trim()));
    const pfa = header.findIndex((h) => /^PFA\d{2}NM$/i.test(h.trim()));
    if (lad < 0 || pfa < 0) continue;
    for (const line of lines.slice(1)) {
      const cells = parseFirstRecord(line);
      if (cells && cells[lad]?.trim() === ctx.config.parent && cells[pfa]) names.add(cells[pfa]!.trim());
    }
  }
  return [...names];
}

/** The police.uk force ids to fetch: declared, or matched from the LAD-to-PFA lookup. */
async function forcesFor(ctx: FetchContext, api: string): Promise<string[]> {
  const forces = await ctx.dl.json<{ id: string; name: string }[]>(`${api}/forces`);
  const ids = forces.map((f) => f.id);
  const declared = ctx.config.fetch.police!.forces;
  if (declared) {
    for (const f of declared) if (!ids.includes(f)) throw new FetchError(messages.fetchUnknownForce(f, ids), "http", `${api}/forces`);
    return declared;
  }
  const wanted = pfaNamesFromLookups(ctx).map(forceKey);
  const matched = forces.filter((f) => wanted.includes(forceKey(f.name))).map((f) => f.id);
  if (!matched.length) throw new FetchError(messages.fetchNoForces(ctx.config.parent), "http", `${api}/forces`);
  return matched;
}

/** Fetch the police.uk files the config reads. */
export async function fetchPolice(ctx: FetchContext): Promise<SourceFetch> {
  const out: SourceFetch = { source: "police", results: [], problems: [], notes: [] };
  const cfg = ctx.config.fetch.police!;
  const { policeApi: api, policeArchive } = ctx.config.fetch.baseUrls;
  const kinds = KINDS.filter((k) => k.globs(ctx.config)?.length);
  if (!kinds.length) {
    out.problems.push(new FetchError(messages.fetchNoDestination("police", "sources.crime.files"), "http", api));
    return out;
  }
  try {
    const dates = await ctx.dl.json<{ date: string }[]>(`${api}/crimes-street-dates`);
    const latest = dates.map((d) => d.date).sort().at(-1)!;
    let to = cfg.to === "latest" ? latest : cfg.to;
    if (to > latest) {
      out.problems.push(new FetchError(messages.fetchNotPublished("police.uk", to, latest), "not_published", `${api}/crimes-street-dates`));
      to = latest;
    }
    const from = cfg.from ?? addMonths(to, -(cfg.months - 1));
    const forces = await forcesFor(ctx, api);
    out.notes.push(`police.uk: ${forces.join(", ")}, ${from} to ${to}`);
    const months = monthRange(from, to);
    for (const archive of archivesFor(from, to)) {
      const inArchive = months.filter((m) => m <= archive && m >= addMonths(archive, -35));
      const url = `${policeArchive}/${archive}.zip`;
      const zip = await ctx.dl.file({ source: "crime", url, dest: path.join(ctx.config.fetch.cacheDir!, "police", `${archive}.zip`), expect: "zip" });
      const wanted = new Map<string, { kind: (typeof kinds)[number]; month: string; name: string }>();
      for (const month of inArchive)
        for (const force of forces)
          for (const kind of kinds) {
            const name = `${month}-${force}-${kind.kind}.csv`;
            wanted.set(`${month}/${name}`, { kind, month, name });
          }
      let entries: Map<string, Buffer>;
      try {
        entries = await extractEntries(zip.file, (n) => wanted.has(n));
      } catch (err) {
        throw new FetchError(messages.fetchCorruptArchive(url, (err as Error).message), "corrupt", url);
      }
      for (const [entry, w] of wanted) {
        const data = entries.get(entry);
        if (!data) {
          out.notes.push(messages.fetchEntryMissing(entry, url));
          continue;
        }
        const dest = destinationFor(w.kind.globs(ctx.config), w.kind.key, w.kind.what, w.name, w.month);
        const r = await ctx.dl.record("crime", `${url}#${entry}`, dest, data, { etag: zip.entry.etag, lastModified: zip.entry.lastModified });
        out.results.push({ ...r, what: `${w.kind.what} ${w.month}` });
      }
    }
  } catch (err) {
    if (err instanceof FetchError) out.problems.push(err);
    else throw err;
  }
  return out;
}
