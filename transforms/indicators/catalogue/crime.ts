/** Crime and community safety indicators (police.uk street-level crime, rates per 1,000 residents). */
import { defineIndicator, POPULATION_SOURCE, type Indicator, type IndicatorSpec } from "../define.ts";

/** The staged police.uk street-level rows the crime indicators count. */
const CRIME_EVENTS = "staging.crime_events";

/** Does the indicator count police.uk street-level rows (whose months the crime loader checks against their neighbours)? */
export const countsPoliceStreetCrime = (ind: Pick<Indicator, "numerator">) => ind.numerator.kind === "events" && ind.numerator.from === CRIME_EVENTS;

/**
 * police.uk's crime types changed twice (`POLICE_CRIME_TYPES` in sources/crime/police-uk-street.ts):
 * in September 2011 criminal damage and arson, drugs and public disorder and weapons were counted
 * apart from other crime (so they are measured from then: `since`), and in May 2013 violent crime was renamed violence and
 * sexual offences (counted under either name) and public disorder and weapons split into public
 * order and possession of weapons (public order counts the older type, with a series break).
 */
const crimeRate = (id: string, title: string, short: string, where?: string, more: { since?: string; breaks?: IndicatorSpec["breaks"] } = {}): IndicatorSpec =>
  defineIndicator({
    id: `crime.${id}`,
    domain: "crime",
    title,
    short,
    // A month known to be missing (a header-only file, no file from a force) withholds every
    // period containing it for the force's LSOAs (sources/crime/police-missing-months.ts).
    numerator: { kind: "events", from: CRIME_EVENTS, where, date: "month", area: "lsoa_code", missing: "staging.crime_missing_lsoa_months", since: more.since },
    breaks: more.breaks,
    denominator: { population: "all_ages" },
    method: "rate",
    multiplier: 1000,
    polarity: "low_is_good",
    periods: ["financial_year", "rolling_12_months", "month", "quarter"],
    source: `police.uk street-level crime; ${POPULATION_SOURCE}`,
    definition: `Recorded ${short.toLowerCase()} placed in the area by police.uk's LSOA, per 1,000 residents (mid-year population of the year the period starts).`,
  });

/** Crime indicators. */
export const crimeIndicators: IndicatorSpec[] = [
  crimeRate("all_crime_rate", "All recorded crime and anti-social behaviour per 1,000 residents", "All crime and ASB"),
  crimeRate("violence_rate", "Violence and sexual offences per 1,000 residents", "Violence and sexual offences", "crime_type IN ('Violence and sexual offences', 'Violent crime')"),
  crimeRate("asb_rate", "Anti-social behaviour incidents per 1,000 residents", "Anti-social behaviour", "crime_type = 'Anti-social behaviour'"),
  crimeRate("criminal_damage_rate", "Criminal damage and arson per 1,000 residents", "Criminal damage and arson", "crime_type = 'Criminal damage and arson'", { since: "2011-09-01" }),
  crimeRate("drugs_rate", "Drug offences per 1,000 residents", "Drug offences", "crime_type = 'Drugs'", { since: "2011-09-01" }),
  crimeRate("public_order_rate", "Public order offences per 1,000 residents", "Public order offences", "crime_type IN ('Public order', 'Public disorder and weapons')", {
    since: "2011-09-01",
    breaks: [{ from: "2013-05-01", label: "Public order split from weapons (May 2013)", reason: "police.uk counted public order and possession of weapons together (public disorder and weapons) until April 2013, so values before May 2013 include weapons offences and are not comparable with later ones" }],
  }),
  crimeRate("burglary_rate", "Burglary per 1,000 residents", "Burglary", "crime_type = 'Burglary'"),
];

/**
 * The police.uk crime types some crime indicator counts on its own (named in its `where`), each
 * with that indicator: their counts by area and period are published as those indicators'
 * numerators, so a figure that withholds a small count must not lean on one of them to hide it
 * (`withheldParts`), and must withhold a count the indicator's value withholds.
 */
export const CRIME_TYPE_INDICATORS: ReadonlyMap<string, string> = new Map(
  crimeIndicators.flatMap((i) => (i.numerator.kind === "events" ? [...(i.numerator.where ?? "").matchAll(/'([^']+)'/g)].map((m) => [m[1]!, i.id] as const) : [])),
);

/** The crime types of `CRIME_TYPE_INDICATORS`. */
export const MEASURED_CRIME_TYPES: ReadonlySet<string> = new Set(CRIME_TYPE_INDICATORS.keys());

/** The indicator counting every crime type: its count for a month is the sum of that month's types. */
export const ALL_CRIME_INDICATOR: string = crimeIndicators.find((i) => i.numerator.kind === "events" && !i.numerator.where)!.id;
