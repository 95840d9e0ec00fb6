/**
 * The build configuration: a JSON file validated against a schema. Loose JSON in, a strict
 * `Config` out with every default visible and every path resolved against the config's folder.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { messages, LocalneedsError } from "./messages.ts";

/** Comparator kinds a build can ask for. */
export const COMPARATOR_KINDS = ["rest_of_parent", "parent", "region", "country", "similar_wards", "deprivation_decile"] as const;

const files = z.array(z.string().min(1)).min(1).describe("file paths or globs, relative to the config file");

const focusSchema = z.union([
  z.object({ ward: z.string().min(1).describe("the ward's GSS code") }).strict(),
  z
    .object({
      locality: z.string().min(1).describe("a code for the locality, e.g. LOC-NORTH"),
      name: z.string().min(1),
      wards: z.array(z.string().min(1)).min(2),
    })
    .strict(),
]);

/** The JSON schema of a config file (zod). */
export const configSchema = z
  .object({
    name: z.string().min(1).describe("title of the assessment"),
    synthetic: z.boolean().default(false).describe("true for demo data: every pack page says so"),
    demoData: z
      .object({ seed: z.number().int(), dir: z.string().min(1) })
      .strict()
      .optional()
      .describe("generate the synthetic demo borough into dir (relative to the config) before loading"),
    warehouse: z.string().min(1).default("../../outputs/warehouse.duckdb"),
    outputDir: z.string().min(1).default("../../outputs/packs"),
    parent: z.string().min(1).describe("GSS code of the parent local authority"),
    focus: z.array(focusSchema).min(1),
    comparators: z.array(z.enum(COMPARATOR_KINDS)).min(1).default(["rest_of_parent", "parent", "region", "country"]),
    similarWards: z
      .object({
        k: z.number().int().min(1).max(50).default(5),
        variables: z
          .array(z.enum(["imd_score", "most_deprived_decile_share", "population", "share_aged_0_15", "share_aged_65_plus"]))
          .min(1)
          .default(["imd_score", "most_deprived_decile_share", "share_aged_0_15", "share_aged_65_plus"]),
      })
      .strict()
      .default({ k: 5, variables: ["imd_score", "most_deprived_decile_share", "share_aged_0_15", "share_aged_65_plus"] })
      .describe("nearest-neighbour wards on standardised deprivation and population variables"),
    surveyWeighting: z
      .enum(["design", "rake"])
      .default("design")
      .describe("design: the microdata's design weights; rake: rake them to population margins (ward, age band, sex) of each wave's year"),
    needIndex: z
      .object({
        weights: z.record(z.string(), z.number().min(0)).default({}).describe("domain -> weight (default 1 each)"),
        managedShare: z.number().gt(0).lt(1).default(0.2).describe("share of wards (the most in need) given the intensive managed approach"),
      })
      .strict()
      .default({ weights: {}, managedShare: 0.2 }),
    baseline: z
      .object({
        period: z.string().regex(/^\d{4}\/\d{2}$/, "expected a financial year like 2022/23"),
        rebase: z.boolean().default(false).describe("true: replace frozen baseline values with revised data (default: keep them and report the revision)"),
      })
      .strict(),
    outcomes: z
      .array(
        z
          .object({
            indicator: z.string().regex(/^[a-z]+\.[a-z0-9_]+$/, "expected an indicator id like crime.asb_rate"),
            target: z
              .object({
                change: z.number().describe("percent change from the baseline value, e.g. -10 for 10% lower"),
                by: z.string().regex(/^\d{4}\/\d{2}$/, "expected a period like 2027/28"),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .default([])
      .describe("the outcomes framework: indicators tracked from the baseline, with optional targets"),
    geography: z
      .object({
        wardVintage: z.string().regex(/^WD\d{2}$/, "expected a ward vintage like WD24"),
        lsoaLookup: z.string().min(1).describe("ONS LSOA -> ward -> LAD lookup CSV"),
        hierarchy: z.string().min(1).optional().describe("ONS ward -> LAD -> region -> country lookup CSV"),
        wardBoundaries: z.string().min(1).optional().describe("ward boundary GeoJSON"),
      })
      .strict(),
    sources: z
      .object({
        crime: z.object({ files }).strict().optional(),
        population: z.object({ files }).strict().optional(),
        deprivation: z.object({ files }).strict().optional(),
        health: z
          .object({
            fingertips: files.optional(),
            local: z
              .array(z.object({ measure: z.string().regex(/^[a-z0-9_]+$/, "expected a snake_case measure id"), files }).strict())
              .optional()
              .describe("locally held counts: area_code, period, numerator, denominator[, breakdown]"),
          })
          .strict()
          .optional(),
        school: z.object({ ks2: files, establishments: z.string().min(1) }).strict().optional(),
        survey: z.object({ microdata: files, codebook: z.string().min(1) }).strict().optional(),
        complaints: z
          .object({ files, encoding: z.enum(["utf-8", "windows-1252"]).default("utf-8") })
          .strict()
          .optional(),
      })
      .strict(),
  })
  .strict();

/** A validated config with absolute paths. */
export type Config = z.output<typeof configSchema> & {
  /** Absolute path of the config file. */
  configPath: string;
  /** Folder the config's relative paths are resolved against. */
  baseDir: string;
};

function formatIssuePath(p: ReadonlyArray<PropertyKey>): string {
  return p.length ? p.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, "") : "(root)";
}

/** Validate parsed JSON; throws a `LocalneedsError` listing every problem with its key. */
export function parseConfig(json: unknown, configPath: string): Config {
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => messages.configKey(formatIssuePath(i.path), i.message));
    throw new LocalneedsError(messages.configInvalid(configPath, problems));
  }
  const baseDir = path.dirname(path.resolve(configPath));
  const abs = (p: string) => path.resolve(baseDir, p);
  const c = result.data;
  const s = c.sources;
  const absAll = (xs: string[] | undefined) => xs?.map(abs);
  return {
    ...c,
    configPath: path.resolve(configPath),
    baseDir,
    demoData: c.demoData && { ...c.demoData, dir: abs(c.demoData.dir) },
    warehouse: c.warehouse === ":memory:" ? c.warehouse : abs(c.warehouse),
    outputDir: abs(c.outputDir),
    geography: {
      ...c.geography,
      lsoaLookup: abs(c.geography.lsoaLookup),
      hierarchy: c.geography.hierarchy && abs(c.geography.hierarchy),
      wardBoundaries: c.geography.wardBoundaries && abs(c.geography.wardBoundaries),
    },
    sources: {
      crime: s.crime && { files: absAll(s.crime.files)! },
      population: s.population && { files: absAll(s.population.files)! },
      deprivation: s.deprivation && { files: absAll(s.deprivation.files)! },
      health: s.health && {
        fingertips: absAll(s.health.fingertips),
        local: s.health.local?.map((l) => ({ measure: l.measure, files: absAll(l.files)! })),
      },
      school: s.school && { ks2: absAll(s.school.ks2)!, establishments: abs(s.school.establishments) },
      survey: s.survey && { microdata: absAll(s.survey.microdata)!, codebook: abs(s.survey.codebook) },
      complaints: s.complaints && { ...s.complaints, files: absAll(s.complaints.files)! },
    },
  };
}

/** Read and validate a config file. */
export function loadConfig(configPath: string): Config {
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch (err) {
    throw new LocalneedsError(messages.configUnreadable(configPath, (err as Error).message));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LocalneedsError(messages.configNotJson(configPath, (err as Error).message));
  }
  return parseConfig(json, configPath);
}

/** The focus areas as codes (a ward's code, or a locality's own code). */
export function focusCodes(config: Config): string[] {
  return config.focus.map((f) => ("ward" in f ? f.ward : f.locality));
}
