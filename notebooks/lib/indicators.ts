/**
 * Indicator metadata for notebooks: the build's own record of its indicators (`ref.indicators`,
 * read by an optional SQL cell and passed to `indicatorInfoFrom`), and for an indicator it lacks (a
 * warehouse built before that table existed) the catalogue definitions (`transforms/indicators/catalogue`),
 * normalised exactly as the build normalises them, so titles, units and polarity match the pack;
 * then the known OHID Fingertips indicators (`catalogue/fingertips.ts`), as a build names those of
 * its Fingertips exports (`fingertips.<ID>`, method `published`).
 */
import { CATALOGUE } from "../../transforms/indicators/catalogue/index.ts";
import { FINGERTIPS_CATALOGUE, fingertipsIndicatorId, publishedDefinition, publishedSource } from "../../transforms/indicators/catalogue/fingertips.ts";
import { loadIndicators, type Indicator } from "../../transforms/indicators/define.ts";
import type { Polarity } from "../../transforms/marts.ts";

/** What a notebook shows about an indicator. */
export interface IndicatorInfo {
  id: string;
  domain: string;
  title: string;
  short: string;
  unit: string;
  method: Indicator["method"] | "unknown";
  multiplier: number;
  polarity: Polarity;
  definition: string;
  source: string;
}

/** Every catalogue indicator, in pack order, then the known Fingertips indicators in their catalogue's order. */
export const indicators: IndicatorInfo[] = [
  ...loadIndicators(CATALOGUE).indicators.map((i) => ({
    id: i.id,
    domain: i.domain,
    title: i.title,
    short: i.short,
    unit: i.unit,
    method: i.method,
    multiplier: i.multiplier,
    polarity: i.polarity,
    definition: i.definition,
    source: i.source,
  })),
  ...FINGERTIPS_CATALOGUE.map((e) => ({
    id: fingertipsIndicatorId(e.id),
    domain: e.domain ?? "health",
    title: e.title,
    short: e.short,
    unit: e.unit,
    method: "published" as const,
    multiplier: 1,
    polarity: e.polarity,
    definition: publishedDefinition(e, e.title),
    source: publishedSource(e.id),
  })),
];

const byId = new Map(indicators.map((i) => [i.id, i]));

/** The indicator's metadata; an id the catalogue does not know gets neutral defaults. */
export function indicatorInfo(id: string): IndicatorInfo {
  return (
    byId.get(id) ?? {
      id, domain: id.split(".")[0] ?? "", title: id, short: id, unit: "", method: "unknown", multiplier: 1,
      polarity: "no_judgement", definition: "", source: "",
    }
  );
}

/** Indicator ids in catalogue (pack) order; ids the catalogue does not know go last, by name. */
export function sortByCatalogue(ids: Iterable<string>): string[] {
  const rank = (id: string) => {
    const i = indicators.findIndex((x) => x.id === id);
    return i < 0 ? Infinity : i;
  };
  return [...new Set(ids)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** A row of `ref.indicators` as the notebooks select it. */
export interface IndicatorRow {
  indicator_id: string;
  domain: string;
  title: string;
  short_title: string;
  unit: string;
  multiplier: number;
  method: string;
  polarity: string;
  definition: string | null;
  source: string;
}

/**
 * What a notebook shows about an indicator, from the warehouse's own record of its indicators
 * (`rows`, from `ref.indicators`), which names every indicator the build measured (Fingertips
 * indicators outside the known list, local measures); an indicator without a row (an older
 * warehouse has none) is named from the catalogue, as `indicatorInfo` names it.
 */
export function indicatorInfoFrom(rows: readonly IndicatorRow[]): (id: string) => IndicatorInfo {
  const fromWarehouse = new Map<string, IndicatorInfo>(
    rows.map((r) => [r.indicator_id, {
      id: r.indicator_id, domain: r.domain, title: r.title, short: r.short_title, unit: r.unit, method: r.method as IndicatorInfo["method"],
      multiplier: Number(r.multiplier), polarity: r.polarity as Polarity, definition: r.definition ?? "", source: r.source,
    }]),
  );
  return (id) => fromWarehouse.get(id) ?? indicatorInfo(id);
}
