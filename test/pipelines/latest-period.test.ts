/**
 * The headline (latest) period of an indicator is the latest period with a value for the pack's
 * area, not the latest period in the warehouse. Margate Central (Thanet, Kent) over the real
 * police.uk samples: the crime files run from 2018-10 to 2019-02, but only 2019-01 covers Thanet
 * (the other months are Medway-only extracts, withheld in Thanet, not zero). Every part of the
 * pack (summary, at-a-glance table, spines, ward charts, workbook, manifest) must headline
 * 2019-01, with the ward's values, never 2019-02 with none. Crime and population only: a small build.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { BuildResult } from "../../pipelines/run-build.ts";
import { Warehouse } from "../../pipelines/core/warehouse.ts";
import { hasShared, sharedSkipReason } from "../helpers/shared.ts";
import { buildWrittenConfig } from "../helpers/medway.ts";
import { MARGATE_CENTRAL, THANET, thanetCrimeAndPopulation, thanetGeography } from "../helpers/kent.ts";

const WARD = MARGATE_CENTRAL;
const CRIME = ["crime.all_crime_rate", "crime.violence_rate", "crime.asb_rate", "crime.criminal_damage_rate", "crime.drugs_rate", "crime.public_order_rate", "crime.burglary_rate"];

/** The Kent district config of `kent-district-build.test.ts`, crime and population only. */
const config = () => ({
  name: "Margate Central: latest period (real public data, 2019)",
  parent: THANET,
  focus: [{ ward: WARD }],
  comparators: ["parent", "country"],
  baseline: { period: "2018/19" },
  geography: thanetGeography(),
  sources: {
    ...thanetCrimeAndPopulation(),
  },
});

/** The cells of the at-a-glance row of the indicator titled `short` (its row header, then the cells' text). */
function glanceRow(html: string, short: string): string[] {
  const table = html.slice(html.indexOf('<table class="summary-table">'), html.indexOf("</table>", html.indexOf('<table class="summary-table">')));
  const row = table.split("<tr>").find((r) => r.startsWith(`<th scope="row">${short}`));
  expect(row, short).toBeDefined();
  return [...row!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, "").trim());
}

/** Expect `html` to contain `text` (or, `yes` false, not to): a failure names the text, not the whole page. */
function expectIn(html: string, text: string | RegExp, yes = true): void {
  expect(typeof text === "string" ? html.includes(text) : text.test(html), String(text)).toBe(yes);
}

/** The text of the page section `id`. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section class="page" id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  return html.slice(start, html.indexOf("</section>", start));
}

describe.skipIf(!hasShared)(`the headline period is the latest with a value for the area${sharedSkipReason}`, () => {
  let result: BuildResult;
  let wardHtml: string;
  let overviewHtml: string;
  let latest: Record<string, string>;
  let overviewLatest: Record<string, string>;
  beforeAll(async () => {
    const built = await buildWrittenConfig(config(), "margate-central.json", "localneeds-latest-");
    result = built.result;
    [wardHtml, overviewHtml] = [built.packHtml(WARD), built.packHtml(THANET)];
    const manifest = (code: string) =>
      JSON.parse(readFileSync(path.join(result.packDirs.find((d) => path.basename(d).startsWith(code))!, "manifest.json"), "utf8")) as { data_versions: { latest_periods: Record<string, string> } };
    latest = manifest(WARD).data_versions.latest_periods;
    overviewLatest = manifest(THANET).data_versions.latest_periods;
  }, 300_000);

  it("has values for the ward and Thanet in 2019-01 only, and 2019-02 rows withheld (the case under test)", async () => {
    const db = await Warehouse.open(result.warehouse, { readOnly: true });
    try {
      const rows = await db.all<{ area_code: string; period_label: string; shown: boolean }>(
        `SELECT area_code, period_label, bool_or(value IS NOT NULL AND NOT is_suppressed) AS shown FROM marts.indicator_values
         WHERE indicator_id = 'crime.all_crime_rate' AND area_code IN ($w, $t) AND breakdown = 'all' GROUP BY ALL ORDER BY 1, 2`, { w: WARD, t: THANET });
      expect(rows.filter((r) => r.shown).map((r) => `${r.area_code} ${r.period_label}`)).toEqual([`${WARD} 2019-01`, `${THANET} 2019-01`]);
      expect(rows.map((r) => r.period_label)).toContain("2019-02");
    } finally {
      db.close();
    }
  });

  it("headlines every crime indicator on 2019-01 in both packs' manifests (the workbook's and slides' period)", () => {
    for (const id of CRIME) {
      expect(latest[id], id).toBe("2019-01");
      expect(overviewLatest[id], id).toBe("2019-01");
    }
  });

  it("shows the ward's 2019-01 values in the at-a-glance table, compared with Thanet", () => {
    const row = glanceRow(wardHtml, "All crime and ASB");
    expect(row[1]).toBe("2019-01");
    expect(row[3]).toBe("45.6");
    expect(row).not.toContain("*");
    expect(row.at(-1)).not.toBe("Not compared");
    // Drug offences: no value for the ward, but Thanet's latest (2019-01), not the empty 2019-02.
    expect(glanceRow(wardHtml, "Drug offences")[1]).toBe("2019-01");
  });

  it("says the same period in the executive summary: the ward's crime is headlined for 2019-01, and is a priority", () => {
    const summary = section(wardHtml, "summary");
    expectIn(summary, "All crime and ASB: 45.6 per 1,000 residents in Margate Central (in the month of 2019-01)");
    expectIn(summary, "2019-02", false);
    expectIn(summary, "No indicator is significantly worse than Thanet", false);
    expectIn(summary, /Margate Central is significantly worse on [1-9]/);
  });

  it("draws the ward charts and the overview on 2019-01, with values, not 23 suppressed bars", () => {
    expectIn(wardHtml, "All crime and ASB, 2019-01: every ward");
    expectIn(wardHtml, "All crime and ASB, 2019-02: every ward", false);
    expectIn(wardHtml, /Spine chart[^<]*All crime and ASB \(per 1,000\): suppressed/, false);
    expectIn(overviewHtml, "All crime and ASB, 2019-01: every ward");
    // The overview's table of every ward's latest value: 2019-01, with Margate Central's rate.
    const start = overviewHtml.indexOf('<table class="matrix">');
    const matrix = overviewHtml.slice(start, overviewHtml.indexOf("</table>", start));
    expectIn(matrix, "2019-01");
    expectIn(matrix, "2019-02", false);
    expectIn(matrix, /<th scope="row">Margate Central<\/th><td class="num">45\.6/);
  });
});
