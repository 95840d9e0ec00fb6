/**
 * The build configuration: a JSON file validated against a schema. Loose JSON in, a strict
 * `Config` out with every default visible and every path resolved against the config's folder.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { messages, LocalneedsError } from "./messages.ts";
import { fileList as files, registeredSources, resolvePathFields, type PathField, type SourcesConfig } from "./source-definition.ts";

/** Comparator kinds a build can ask for. */
export const COMPARATOR_KINDS = ["rest_of_parent", "parent", "county", "region", "country", "similar_wards", "deprivation_decile"] as const;

const localitySchema = z
  .object({
    locality: z.string().min(1).describe("a code for the locality, e.g. LOC-NORTH"),
    name: z.string().min(1),
    wards: z.array(z.string().min(1)).min(2),
  })
  .strict();

const focusSchema = z.union([z.object({ ward: z.string().min(1).describe("the ward's GSS code") }).strict(), localitySchema]);

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "expected a month as YYYY-MM");
const arcgisLayer = z
  .object({
    service: z.string().min(1).describe("ArcGIS feature service name, e.g. LSOA21_WD24_LAD24_EW_LU"),
    layer: z.number().int().min(0).default(0),
    where: z.string().min(1).optional().describe("SQL filter (default: the parent authority, on the service's LADyyCD field)"),
  })
  .strict();

/** The `fetch` block: what `pipelines/fetch.ts` downloads, and from where (every base URL can be changed). */
const fetchSchema = z
  .object({
    manifest: z.string().min(1).optional().describe("fetch manifest (default: fetch-manifest.json beside the warehouse)"),
    cacheDir: z.string().min(1).optional().describe("downloaded archives (default: fetch-cache beside the warehouse)"),
    userAgent: z.string().min(1).optional(),
    timeoutSeconds: z.number().positive().default(60).describe("a request with no bytes for this long is retried"),
    retries: z.number().int().min(0).max(10).default(4),
    concurrency: z.number().int().min(1).max(8).default(2),
    baseUrls: z
      .object({
        policeApi: z.string().url().default("https://data.police.uk/api"),
        policeArchive: z.string().url().default("https://data.police.uk/data/archive"),
        fingertips: z.string().url().default("https://fingertips.phe.org.uk/api"),
        nomis: z.string().url().default("https://www.nomisweb.co.uk/api/v01"),
        ons: z.string().url().default("https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"),
      })
      .strict()
      .prefault({}),
    police: z
      .object({
        from: month.optional().describe("first month (default: 'months' before 'to')"),
        to: z.union([month, z.literal("latest")]).default("latest"),
        months: z.number().int().min(1).max(120).default(12),
        forces: z.array(z.string().min(1)).min(1).optional().describe("police.uk force ids; default: from a LAD to PFA lookup in geography.lookups"),
      })
      .strict()
      .optional(),
    fingertips: z
      .object({
        indicators: z.array(z.number().int().positive()).min(1).optional(),
        profiles: z.array(z.number().int().positive()).min(1).optional(),
        areaTypeId: z.number().int().positive().default(502).describe("Fingertips child area type (502 counties and unitary authorities from April 2023; 3 MSOA; 8 ward)"),
        parentAreaTypeId: z.number().int().positive().default(6).describe("the parent area type whose rows come too (6 regions; 15 England)"),
      })
      .strict()
      .refine((f) => f.indicators || f.profiles, "list indicators or profiles")
      .optional(),
    nomis: z
      .object({
        dataset: z.string().regex(/^NM_\d+_\d+$/).default("NM_162_1"),
        geography: z.string().min(1).optional().describe("Nomis geography id of the parent (default: looked up by its GSS code)"),
        authorityType: z.string().regex(/^TYPE\d+$/).default("TYPE432").describe("Nomis geography type listing local authorities"),
        areaType: z.string().regex(/^TYPE\d+$/).default("TYPE298").describe("Nomis geography type of the areas inside it (TYPE298: 2011 LSOAs)"),
        to: z.union([month, z.literal("latest")]).default("latest"),
        months: z.number().int().min(1).max(120).default(24),
      })
      .strict()
      .optional(),
    nomisPopulation: z
      .object({
        dataset: z.string().regex(/^NM_\d+_\d+$/).default("NM_2014_1").describe("Nomis small-area population estimates (NM_2014_1: LSOAs 2021; NM_2010_1: LSOAs 2011, to mid-2020)"),
        geography: z.string().min(1).optional().describe("Nomis geography id of the parent (default: looked up by its GSS code)"),
        authorityType: z.string().regex(/^TYPE\d+$/).default("TYPE432").describe("Nomis geography type listing local authorities"),
        areaType: z.string().regex(/^TYPE\d+$/).default("TYPE151").describe("Nomis geography type of the LSOAs inside it (TYPE151: 2021 LSOAs; TYPE298: 2011)"),
        years: z.number().int().min(1).max(20).default(1).describe("the latest this many mid-years"),
      })
      .strict()
      .optional(),
    ons: z
      .object({ lsoaLookup: arcgisLayer.optional(), hierarchy: arcgisLayer.optional(), wardBoundaries: arcgisLayer.optional(), lsoaBoundaries: arcgisLayer.optional() })
      .strict()
      .optional(),
  })
  .strict();

/** The `geography` block: the ONS lookups and boundaries every build places its rows through. */
const geographySchema = z
  .object({
    wardVintage: z.string().regex(/^WD\d{2}$/, "expected a ward vintage like WD24"),
    lsoaLookup: z.string().min(1).describe("ONS LSOA -> ward -> LAD lookup CSV"),
    hierarchy: z.string().min(1).optional().describe("ONS ward -> LAD -> region -> country lookup CSV"),
    wardBoundaries: z.string().min(1).optional().describe("ward boundary GeoJSON"),
    lsoaBoundaries: z.string().min(1).optional().describe("LSOA boundary GeoJSON (places stop-and-search points; with wardBoundaries, a centroid crosswalk)"),
    lsoaChanges: z.string().min(1).optional().describe("ONS LSOA 2011 -> LSOA 2021 lookup (CHGIND U/S/M/X), to convert codes between vintages"),
    authorities: z.array(z.string().min(1)).min(1).optional().describe("keep only these authorities' LSOAs from a national lookup (must include parent)"),
    lookups: files.optional().describe("other ONS lookups (LSOA -> UTLA, LAD -> CSP -> PFA, MSOA -> ward...) kept in ref.geography_links"),
    wardCrosswalk: z
      .object({
        file: z.string().min(1).describe("CSV: old ward code (WDyyCD), declared-vintage ward code, optional weight"),
        method: z.enum(["best_fit", "population_weighted"]).default("best_fit"),
      })
      .strict()
      .optional()
      .describe("converts ward codes of another vintage in ward-keyed data (complaints, survey, schools, local counts)"),
  })
  .strict();

/** The geography block's fields that are file paths or globs. */
const GEOGRAPHY_PATHS: readonly PathField<z.output<typeof geographySchema>>[] = ["lsoaLookup", "hierarchy", "wardBoundaries", "lsoaBoundaries", "lsoaChanges", "lookups", "wardCrosswalk.file"];

/** A config file's schema (zod) but for the sources' blocks, which `configSchema()` adds. */
const baseConfigSchema = z
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
    retention: z.number().int().min(1).default(10).describe("pack versions kept under outputDir (the newest; latest is never removed)"),
    parent: z.string().min(1).describe("GSS code of the parent local authority"),
    focus: z.array(focusSchema).min(1),
    localities: z
      .array(localitySchema)
      .default([])
      .describe("the borough's localities (groups of its wards): measured, compared and tiered on the need index as wards are, with no pack of their own"),
    comparators: z.array(z.enum(COMPARATOR_KINDS)).min(1).default(["rest_of_parent", "parent", "county", "region", "country"]),
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
    geography: geographySchema,
    fetch: fetchSchema.optional().describe("what pipelines/fetch.ts downloads (the build itself never fetches)"),
    sources: z.object({}).strict().describe("each source's block, by slot: the schemas registered by sources/index.ts (see configSchema)"),
  })
  .strict();

/** A focus area worked out once from the config: its code, kind, name (localities) and member wards. */
export interface FocusArea {
  /** The ward's GSS code, or the locality's own code. */
  code: string;
  kind: "ward" | "locality";
  /** The locality's name from the config (wards take theirs from the lookup). */
  name?: string;
  /** Member wards: the ward itself, or the locality's wards. */
  wards: string[];
}

/**
 * The JSON schema of a config file (zod): the base schema with each registered source's block
 * (`sources/index.ts` registers them when imported), so an unknown slot is refused by key.
 */
export function configSchema() {
  const sources = registeredSources();
  if (!sources.length) throw new Error("no source is registered: import sources/index.ts before reading a config");
  return baseConfigSchema.extend({ sources: z.object(Object.fromEntries(sources.map((s) => [s.slot, s.schema.optional()]))).strict() });
}

/** A validated config with absolute paths. */
export type Config = Omit<z.output<typeof baseConfigSchema>, "sources"> & {
  /** Each configured source's block (its type declared by the source: `SourceConfigs`). */
  sources: SourcesConfig;
  /** Absolute path of the config file. */
  configPath: string;
  /** Folder the config's relative paths are resolved against. */
  baseDir: string;
  /** The focus areas, resolved once (see `FocusArea`). */
  focusAreas: FocusArea[];
  /** Every locality: the focus localities, then those of `localities` (see `FocusArea`). */
  localityAreas: FocusArea[];
};

function formatIssuePath(p: ReadonlyArray<PropertyKey>): string {
  return p.length ? p.map((k) => (typeof k === "number" ? `[${k}]` : `.${String(k)}`)).join("").replace(/^\./, "") : "(root)";
}

/** Validate parsed JSON; throws a `LocalneedsError` listing every problem with its key. */
export function parseConfig(json: unknown, configPath: string): Config {
  const result = configSchema().safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => messages.configKey(formatIssuePath(i.path), i.message));
    throw new LocalneedsError(messages.configInvalid(configPath, problems));
  }
  const c = result.data as z.output<typeof baseConfigSchema> & { sources: Record<string, unknown> };
  const focusAreas: FocusArea[] = c.focus.map((f) =>
    "ward" in f ? { code: f.ward, kind: "ward", wards: [f.ward] } : { code: f.locality, kind: "locality", name: f.name, wards: [...f.wards] },
  );
  const listed: FocusArea[] = c.localities.map((l) => ({ code: l.locality, kind: "locality", name: l.name, wards: [...l.wards] }));
  const problems = [...focusProblems(focusAreas), ...localityProblems(focusAreas, listed)];
  if (problems.length) throw new LocalneedsError(messages.configInvalid(configPath, problems));
  const baseDir = path.dirname(path.resolve(configPath));
  const abs = (p: string) => path.resolve(baseDir, p);
  return {
    ...c,
    configPath: path.resolve(configPath),
    baseDir,
    focusAreas,
    localityAreas: [...focusAreas.filter((f) => f.kind === "locality"), ...listed],
    fetch: c.fetch && {
      ...c.fetch,
      manifest: c.fetch.manifest ? abs(c.fetch.manifest) : path.join(path.dirname(c.warehouse === ":memory:" ? abs("fetch") : abs(c.warehouse)), "fetch-manifest.json"),
      cacheDir: c.fetch.cacheDir ? abs(c.fetch.cacheDir) : path.join(path.dirname(c.warehouse === ":memory:" ? abs("fetch") : abs(c.warehouse)), "fetch-cache"),
    },
    demoData: c.demoData && { ...c.demoData, dir: abs(c.demoData.dir) },
    warehouse: c.warehouse === ":memory:" ? c.warehouse : abs(c.warehouse),
    outputDir: abs(c.outputDir),
    geography: resolvePathFields(c.geography, GEOGRAPHY_PATHS, baseDir),
    sources: Object.fromEntries(
      registeredSources()
        .filter((d) => c.sources[d.slot] !== undefined)
        .map((d) => [d.slot, resolvePathFields(c.sources[d.slot], d.paths, baseDir)]),
    ) as SourcesConfig,
  };
}

/** Read and validate a config file. */
export function loadConfig(configPath: string): Config {
  let text: string;
  try {
    // Notepad and Excel save UTF-8 with a byte-order mark, which JSON.parse refuses.
    text = readFileSync(configPath, "utf8").replace(/^\uFEFF/, "");
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
export function focusCodes(config: Pick<Config, "focusAreas">): string[] {
  return config.focusAreas.map((f) => f.code);
}

/** Code of the derived "rest of the authority without the focus area" comparator. */
export const restOfParentCode = (parent: string, focus: string) => `${parent}_EXCL_${focus}`;

/** A `localities` list the warehouse could not hold: a code twice (or also a focus area's), a ward's code, a ward twice in one. */
function localityProblems(focus: readonly FocusArea[], listed: readonly FocusArea[]): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  const focusAt = new Map(focus.map((f, i) => [f.code, i]));
  const wards = new Set([...focus, ...listed].flatMap((a) => a.wards));
  listed.forEach((a, i) => {
    const key = `localities[${i}]`;
    if (focusAt.has(a.code)) out.push(messages.configKey(`${key}.locality`, messages.localityAlsoFocus(a.code, focusAt.get(a.code)!)));
    else if (seen.has(a.code)) out.push(messages.configKey(`${key}.locality`, messages.localityRepeated(a.code, seen.get(a.code)!)));
    else seen.set(a.code, i);
    if (wards.has(a.code)) out.push(messages.configKey(`${key}.locality`, messages.localityCodeIsWard(a.code)));
    const dup = a.wards.find((w, j) => a.wards.indexOf(w) !== j);
    if (dup) out.push(messages.configKey(`${key}.wards`, messages.localityWardRepeated(a.code, dup)));
  });
  return out;
}

/** A focus list the warehouse could not hold: the same area twice, or a locality coded as one of the focus wards. */
function focusProblems(areas: readonly FocusArea[]): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  areas.forEach((a, i) => {
    if (seen.has(a.code)) out.push(messages.configKey(`focus[${i}]`, messages.focusRepeated(a.code, seen.get(a.code)!)));
    else seen.set(a.code, i);
  });
  const wards = new Set(areas.flatMap((a) => a.wards));
  areas.forEach((a, i) => {
    if (a.kind !== "locality") return;
    if (wards.has(a.code)) out.push(messages.configKey(`focus[${i}].locality`, messages.localityCodeIsWard(a.code)));
    const dup = a.wards.find((w, j) => a.wards.indexOf(w) !== j);
    if (dup) out.push(messages.configKey(`focus[${i}].wards`, messages.localityWardRepeated(a.code, dup)));
  });
  return out;
}
