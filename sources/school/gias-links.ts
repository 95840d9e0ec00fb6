/**
 * The GIAS "links" download (`links_edubasealldata*.csv`): Windows-1252 (`St Thomas à Becket`,
 * `North Star 82°`), every field quoted but the URNs, dates `dd-mm-yyyy`. A school that becomes an
 * academy gets a new URN, linked to the old one both ways (`Successor` on the old URN's row,
 * `Predecessor` on the new one's); merges, amalgamations and splits use other `LinkType`s
 * (`Successor - merged`, `Predecessor - amalgamated`, `... - Split School`...). Chaining successor
 * links gives each URN the URN it is known by now, so KS2 time series stay continuous across
 * conversions. Only `Successor...` and `Predecessor...` links say which way they run; the free-text
 * `Merged - ...`, `Result of Amalgamation`, `Expansion`, `Closure` and `Other` links are kept in raw only.
 * Grain of `staging.school_urn_chain`: one row per URN in a link, with its current
 * URN and the number of steps; when a school has several successors (a split) the most recently
 * established link is followed (then the highest URN). A cycle stops the chain and is reported.
 */
import type { Context } from "../../pipelines/core/context.ts";
import { messages } from "../../pipelines/core/messages.ts";
import { defineCsvFormat } from "../csv-format.ts";
import { parseDmySql, registerFormats } from "../load-csv.ts";

/** GIAS links layout. */
export const giasLinksFormat = defineCsvFormat({
  id: "dfe_gias_links",
  title: "a Get Information About Schools links file",
  rawTable: "raw_gias_links",
  grain: "one row per link between two URNs",
  encoding: "auto",
  columns: [
    { name: "urn", header: "URN", kind: "integer", required: true },
    { name: "link_urn", header: "LinkURN", kind: "integer", required: true },
    { name: "link_name", header: "LinkName" },
    { name: "link_type", header: "LinkType", required: true },
    { name: "link_established_date", header: "LinkEstablishedDate", kind: "date_dmy" },
  ],
});
registerFormats(giasLinksFormat);

/** Follow successor links to the current URN (pure; exported for tests). */
export function chainUrns(edges: { from: string; to: string; date: string | null }[]): { chains: Map<string, { current: string; steps: number }>; cycles: string[] } {
  const next = new Map<string, { to: string; date: string }>();
  for (const e of edges) {
    if (e.from === e.to) continue;
    const cur = next.get(e.from);
    const date = e.date ?? "";
    if (!cur || date > cur.date || (date === cur.date && Number(e.to) > Number(cur.to))) next.set(e.from, { to: e.to, date });
  }
  const chains = new Map<string, { current: string; steps: number }>();
  const cycles: string[] = [];
  const all = new Set(edges.flatMap((e) => [e.from, e.to]));
  for (const urn of [...all].sort()) {
    const seen = new Set([urn]);
    let cur = urn;
    let steps = 0;
    while (next.has(cur)) {
      const to = next.get(cur)!.to;
      if (seen.has(to)) {
        cycles.push(urn);
        break;
      }
      seen.add(to);
      cur = to;
      steps++;
    }
    chains.set(urn, { current: cur, steps });
  }
  return { chains, cycles };
}

/** Build `staging.school_urn_chain` from `raw_gias_links`. */
export async function conformLinks(ctx: Context): Promise<void> {
  const { db } = ctx;
  const rows = await db.all<{ from: string; to: string; date: string | null }>(`
    SELECT CASE WHEN link_type ILIKE 'Predecessor%' THEN trim(link_urn) ELSE trim(urn) END AS "from",
           CASE WHEN link_type ILIKE 'Predecessor%' THEN trim(urn) ELSE trim(link_urn) END AS "to",
           strftime(${parseDmySql("link_established_date")}, '%Y-%m-%d') AS date
    FROM raw_gias_links
    WHERE link_type ILIKE 'Successor%' OR link_type ILIKE 'Predecessor%'`);
  const { chains, cycles } = chainUrns(rows);
  await db.run(`CREATE OR REPLACE TABLE staging.school_urn_chain (urn VARCHAR, current_urn VARCHAR, steps INTEGER)`);
  await db.insertRows("staging.school_urn_chain", ["urn", "current_urn", "steps"], [...chains].map(([urn, c]) => ({ urn, current_urn: c.current, steps: c.steps })));
  for (const u of cycles) {
    await db.recordWarning("conform", "gias_link_cycle", u, messages.urnChainCycle(u));
  }
}
