/**
 * The one visual theme every chart in the pack and the notebooks shares: DejaVu Sans (the only
 * font the build machines and the PNG renderer have), neutral greys, one focus highlight, and
 * Fingertips-style outcome colours chosen to stay distinct for colour-blind readers and in
 * grey-scale print. Colour is never the only carrier of meaning: every builder pairs it with
 * text, a shape, a line style or a fill/outline difference.
 */
import type { Config } from "vega-lite";
import type { Outcome } from "../../transforms/marts.ts";

/** The only font installed on the build machines; also resvg's default family. */
export const FONT = "DejaVu Sans";

/**
 * The printed pack's text width in CSS px: A4 less 12 mm margins each side (186 mm at 96 dpi).
 * Every pack chart is laid out to at most this width and printed 1:1, so its smallest text (10 px)
 * prints at 7.5 pt, and the charts that can use the whole width do.
 */
export const PRINT_WIDTH = 703;

/** Neutral greys and the focus highlight. */
export const colours = {
  /** The focus area(s): a dark purple that stays dark in grey-scale print. */
  focus: "#5e3c99",
  /** The focus area's confidence band (used translucent). */
  focusLight: "#b2abd2",
  /** Every other area. */
  other: "#c4c4c4",
  /** Comparator lines and outlines. */
  comparator: "#252525",
  /** A second and third comparator line. */
  comparator2: "#636363",
  comparator3: "#8c8c8c",
  /** Body text. */
  text: "#222222",
  /** Secondary text (notes, "suppressed"). */
  muted: "#595959",
  /** Axis lines and ticks. */
  axis: "#8c8c8c",
  /** Grid lines. */
  grid: "#e3e3e3",
  /** Data-quality warnings. */
  warning: "#b35806",
  /** Areas with no value (suppressed or missing). */
  noData: "#ffffff",
} as const;

/**
 * Outcome colours, Fingertips style but colour-blind safe (Okabe-Ito blue and vermillion, a
 * light yellow for "similar", a teal pair for the no-judgement higher/lower). Always shown with
 * the outcome word ({@link outcomeLabels}).
 */
export const outcomeColours: Record<Outcome, string> = {
  better: "#0072b2",
  similar: "#f0e442",
  worse: "#d55e00",
  higher: "#01665e",
  lower: "#80cdc1",
  not_compared: "#ffffff",
};

/** Plain-English outcome labels for text beside the colour. */
export const outcomeLabels: Record<Outcome, string> = {
  better: "Better",
  similar: "Similar",
  worse: "Worse",
  higher: "Higher",
  lower: "Lower",
  not_compared: "Not compared",
};

/** Outcomes in legend order. */
export const OUTCOMES: readonly Outcome[] = ["better", "similar", "worse", "higher", "lower", "not_compared"];

/** Line styles for comparators, by comparator kind (solid is reserved for the focus area). */
export const comparatorDashes: Record<string, number[]> = {
  parent: [6, 3],
  rest_of_parent: [2, 2],
  region: [8, 3, 2, 3],
  country: [12, 3],
  similar_wards: [4, 2, 1, 2],
  deprivation_decile: [1, 3],
};
/** Dash used for a comparator kind not in {@link comparatorDashes}. */
export const DEFAULT_DASH = [5, 5];

/** Sequential classes for maps (light to dark blue; the lightest class is not white, so "no data" stays distinct). */
export const sequentialBlues = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"] as const;

/** Ordered tier colours for need tiers, highest need first (dark to light orange). */
export const tierOranges = ["#7f2704", "#d94801", "#fd8d3c", "#fdd0a2", "#fff5eb"] as const;

/** Label limits (px): text wider than this is truncated with an ellipsis. */
export const LABEL_LIMIT = { axis: 220, legend: 260, title: 620, header: 600 } as const;

/** Vega-Lite config shared by every builder: fonts, sizes, greys, white background. */
export const chartConfig: Config = {
  font: FONT,
  background: "white",
  padding: 12,
  aria: false,
  view: { stroke: null },
  title: {
    font: FONT,
    fontSize: 15,
    fontWeight: "bold",
    color: colours.text,
    anchor: "start",
    offset: 12,
    limit: LABEL_LIMIT.title,
    subtitleFont: FONT,
    subtitleFontSize: 11,
    subtitleColor: colours.muted,
    subtitlePadding: 4,
  },
  axis: {
    labelFont: FONT,
    titleFont: FONT,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: "normal",
    labelColor: colours.text,
    titleColor: colours.text,
    domainColor: colours.axis,
    tickColor: colours.axis,
    gridColor: colours.grid,
    labelLimit: LABEL_LIMIT.axis,
    titleLimit: LABEL_LIMIT.title,
  },
  legend: {
    labelFont: FONT,
    titleFont: FONT,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: "normal",
    labelColor: colours.text,
    titleColor: colours.text,
    labelLimit: LABEL_LIMIT.legend,
    titleLimit: LABEL_LIMIT.legend,
  },
  header: {
    labelFont: FONT,
    titleFont: FONT,
    labelFontSize: 11,
    titleFontSize: 11,
    labelColor: colours.text,
    labelLimit: LABEL_LIMIT.header,
  },
  text: { font: FONT, fontSize: 11, color: colours.text },
};
