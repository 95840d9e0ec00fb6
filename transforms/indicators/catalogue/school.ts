/** Children, schools and education indicators (DfE KS2 performance tables, EES pupil absence and free school meals). */
import { defineIndicator, type IndicatorSpec } from "../define.ts";

/**
 * The area an EES row counts toward in an indicator: a school row's ward (placed at conform
 * through GIAS), else the code of its level (LA, region, country: published totals used as given).
 */
const EES_INDICATOR_AREA = "CASE WHEN geographic_level = 'School' THEN ward_code ELSE area_code END";

/**
 * Rows of a staged EES table an indicator counts: schools (toward their ward, then aggregated)
 * and the published LA, regional and national totals (the `total` filter value). Coded cells
 * (`c`, `x`) are NULL and the compiler notes the member rows left out; rows counting more than
 * their base never load. `where` keeps only the rows a measure is of (absence: the full year, no breakdown).
 */
const eesRows = (table: string, filter: string, total: string, where = "true") =>
  `(SELECT ${EES_INDICATOR_AREA} AS area, * FROM ${table} WHERE (geographic_level = 'School' OR ${filter} = '${total}') AND ${where})`;

/** School indicators. */
export const schoolIndicators: IndicatorSpec[] = [
  defineIndicator({
    id: "school.ks2_rwm_expected",
    domain: "school",
    title: "Pupils meeting the expected standard in reading, writing and maths at KS2",
    short: "KS2 reading, writing and maths",
    numerator: {
      kind: "counts",
      from: "staging.ks2_results",
      // England is RECTYPE 5 (state-funded schools), comparable with the LA totals and the schools
      // (all state-funded); RECTYPE 4 (all schools, independent ones included) stays in staging only.
      where: "area_code IS NOT NULL AND rectype <> 4",
      date: "period_date",
      area: "area_code",
      numerator: "meeting",
      denominator: "eligible",
      breakdown: "breakdown",
    },
    method: "proportion",
    polarity: "high_is_good",
    periods: ["academic_year"],
    source: "DfE KS2 performance tables; Get Information About Schools (school ward)",
    breaks: [{ from: "2015-09-01", label: "New KS2 tests (2016)", reason: "KS2 was assessed against the new national curriculum from 2016 (the expected standard replaced level 4), so results before 2015/16 are not comparable with later ones" }],
    definition: "Pupils at the end of KS2 meeting the expected standard in all of reading, writing and maths, for schools in the area (pupils = eligible x published percentage, rounded). Suppressed schools (SUPP) are left out; the authority and England use their published totals (England: state-funded schools, as the authority's total is).",
  }),
  defineIndicator({
    id: "school.overall_absence",
    domain: "school",
    title: "Overall absence: share of school sessions missed (authorised and unauthorised)",
    short: "Overall absence",
    numerator: {
      kind: "counts",
      from: eesRows("staging.school_absence", "school_type", "Total", "measured"),
      date: "period_date",
      area: "area",
      numerator: "sess_overall",
      denominator: "sess_possible",
    },
    method: "proportion",
    polarity: "low_is_good",
    periods: ["academic_year"],
    source: "DfE Pupil absence in schools in England (Explore Education Statistics); Get Information About Schools (school ward)",
    definition: "Sessions missed for any reason over sessions possible, full academic year, for state-funded schools in the area (by school location, not pupil residence); the authority, region and England use their published totals. Wilson interval on sessions, as Fingertips does.",
  }),
  defineIndicator({
    id: "school.persistent_absence",
    domain: "school",
    title: "Persistent absence: pupils missing 10% or more of their sessions",
    short: "Persistent absence",
    numerator: {
      kind: "counts",
      from: eesRows("staging.school_absence", "school_type", "Total", "measured"),
      date: "period_date",
      area: "area",
      numerator: "enrolments_pa_10_exact",
      denominator: "enrolments",
    },
    method: "proportion",
    polarity: "low_is_good",
    periods: ["academic_year"],
    source: "DfE Pupil absence in schools in England (Explore Education Statistics); Get Information About Schools (school ward)",
    definition: "Enrolments missing 10% or more of possible sessions over all enrolments, full academic year, for state-funded schools in the area (by school location); published totals for the authority, region and England.",
  }),
  defineIndicator({
    id: "school.fsm_eligible",
    domain: "school",
    title: "Pupils known to be eligible for free school meals",
    short: "Free school meals",
    numerator: {
      kind: "counts",
      from: eesRows("staging.fsm", "phase", "Total"),
      date: "period_date",
      area: "area",
      numerator: "fsm_eligible",
      denominator: "headcount",
    },
    method: "proportion",
    // A context measure: it describes the pupils, not an outcome to improve.
    polarity: "no_judgement",
    periods: ["academic_year"],
    source: "DfE Schools, pupils and their characteristics (Explore Education Statistics); Get Information About Schools (school ward)",
    definition: "Pupils known to be eligible for free school meals over pupils on roll at the January census, for schools in the area (by school location); the authority, region and England use their published totals (all school types). A context measure: a higher share means more low-income families, so it is not judged better or worse.",
  }),
];
