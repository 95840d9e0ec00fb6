/**
 * The published Indices of Deprivation tables other than the English scores file: File 1 (IMD rank
 * and decile, no score), File 2 (IMD and the 7 domains, rank and decile each; long headers such as
 * `Income Rank (where 1 is most deprived)`), and the ONS "IMD (December 2019) Lookup" where
 * `IMD19` is the rank (1 = most deprived of 32,844). Numbers may carry thousands separators
 * inside quotes (`"29,199"`, File 1) or not (File 2). File 6 (population denominators) is in
 * `sources/population/iod-denominators.ts`.
 */
import { defineCsvFormat, type ColumnSpec } from "../csv-format.ts";
import { registerFormats } from "../load-csv.ts";

/** The IMD and its 7 domains: column stem in staging, and the header's name. */
export const IOD_DOMAINS = [
  ["imd", "Index of Multiple Deprivation \\(IMD\\)"],
  ["income", "Income"],
  ["employment", "Employment"],
  ["education", "Education, Skills and Training"],
  ["health", "Health Deprivation and Disability"],
  ["crime", "Crime"],
  ["barriers", "Barriers to Housing and Services"],
  ["living_environment", "Living Environment"],
] as const;

/**
 * Wales's own four WIMD domains, which England's Indices do not have (England's barriers and
 * living environment domains measure other things): staging stem and the WIMD ranks' header.
 * Ranks only (the WIMD scores file is not read), deciles derived among Wales's LSOAs.
 */
export const WIMD_DOMAINS = [
  ["access", "Access to Services"],
  ["housing", "Housing"],
  ["community_safety", "Community Safety"],
  ["physical_environment", "Physical Environment"],
] as const;

const ids: ColumnSpec[] = [
  { name: "lsoa_code", header: /^LSOA code \(20\d{2}\)$/, required: true },
  { name: "lsoa_name", header: /^LSOA name \(20\d{2}\)$/ },
  { name: "lad_code", header: /^Local Authority District code \(20\d{2}\)$/ },
  { name: "lad_name", header: /^Local Authority District name \(20\d{2}\)$/, optional: true },
];
const rank = (stem: string, label: string, required = true): ColumnSpec =>
  ({ name: `${stem}_rank`, header: new RegExp(`^${label} Rank( \\(where 1 is most deprived\\))?$`), kind: "integer", nonNegative: true, required, optional: !required });
const decile = (stem: string, label: string, required = true): ColumnSpec =>
  ({ name: `${stem}_decile`, header: new RegExp(`^${label} Decile( \\(where 1 is most deprived 10% of LSOAs\\))?$`), kind: "integer", nonNegative: true, required, optional: !required });

/** The 7 domains' rank and decile columns, optional: a scores file of File 7's kind gives them beside the scores. */
export const optionalDomainRanks: ColumnSpec[] = IOD_DOMAINS.slice(1).flatMap(([stem, label]) => [rank(stem, label, false), decile(stem, label, false)]);

/** IoD2019 File 1: IMD rank and decile by LSOA. */
export const iodFile1Format = defineCsvFormat({
  id: "iod_file1_imd",
  title: "an Indices of Deprivation IMD file (File 1: rank and decile)",
  rawTable: "raw_iod_imd",
  grain: "one row per LSOA",
  columns: [...ids, rank("imd", IOD_DOMAINS[0][1]), decile("imd", IOD_DOMAINS[0][1])],
});

/** IoD2019 File 2: IMD and domain ranks and deciles by LSOA. */
export const iodFile2Format = defineCsvFormat({
  id: "iod_file2_domains",
  title: "an Indices of Deprivation domains file (File 2: ranks and deciles)",
  rawTable: "raw_iod_domains",
  grain: "one row per LSOA",
  columns: [...ids, ...IOD_DOMAINS.flatMap(([stem, label]) => [rank(stem, label), decile(stem, label)])],
});

/** ONS IMD lookup (`LSOA11CD,LSOA11NM,LAD19CD,LAD19NM,IMD19,FID`): IMD19 is the rank. */
export const onsImdLookupFormat = defineCsvFormat({
  id: "ons_imd_lookup",
  title: "an ONS IMD lookup (IMDyy = rank)",
  rawTable: "raw_ons_imd_lookup",
  grain: "one row per LSOA",
  columns: [
    { name: "lsoa_code", header: /^LSOA\d{2}CD$/, required: true },
    { name: "lsoa_name", header: /^LSOA\d{2}NM$/ },
    { name: "lad_code", header: /^LAD\d{2}CD$/ },
    { name: "lad_name", header: /^LAD\d{2}NM$/, optional: true },
    { name: "imd_rank", header: /^IMD\d{2}$/, kind: "integer", nonNegative: true, required: true },
  ],
});

/**
 * MHCLG's IoD2019 map layer (`Indices_of_Multiple_Deprivation_(IMD)_2019` on ArcGIS Online, the
 * `IMD_2019` shapefile and its CSV download from data.gov.uk): short field names, one row per LSOA:
 * `lsoa11cd, lsoa11nm, IMD_Rank, IMD_Decile, LSOA01NM, LADcd, LADnm, IMDScore, IMDRank0, IMDDec0,
 * IncScore, IncRank, IncDec, EmpScore, ..., EnvDec`, the supplementary indices (`IDCScore`...), the
 * File 6 populations (`TotPop, DepChi, Pop16_59, Pop60+, WorkPop`) and the shape's area and length.
 */
const ARCGIS_DOMAINS = [["income", "Inc"], ["employment", "Emp"], ["education", "Edu"], ["health", "HDD"], ["crime", "Cri"], ["barriers", "BHS"], ["living_environment", "Env"]] as const;
export const iodArcgisLayerFormat = defineCsvFormat({
  id: "iod_arcgis_layer",
  title: "the Indices of Deprivation map layer (IMD_2019: lsoa11cd, IMDScore, IncScore ...)",
  rawTable: "raw_iod_arcgis",
  grain: "one row per LSOA",
  columns: [
    { name: "lsoa_code", header: /^lsoa\d{2}cd$/i, required: true },
    { name: "lsoa_name", header: /^lsoa\d{2}nm$/i, optional: true },
    { name: "lad_code", header: /^LADcd$/i, optional: true },
    { name: "imd_score", header: /^IMDScore$/i, kind: "number", optional: false },
    { name: "imd_rank", header: /^IMD_Rank$/i, kind: "integer", nonNegative: true, optional: true },
    { name: "imd_decile", header: /^IMD_Decile$/i, kind: "integer", nonNegative: true, optional: true },
    ...ARCGIS_DOMAINS.flatMap(([stem, short]): ColumnSpec[] => [
      { name: `${stem}_score`, header: new RegExp(`^${short}Score$`, "i"), kind: "number", optional: true },
      { name: `${stem}_rank`, header: new RegExp(`^${short}Rank$`, "i"), kind: "integer", nonNegative: true, optional: true },
      { name: `${stem}_decile`, header: new RegExp(`^${short}Dec$`, "i"), kind: "integer", nonNegative: true, optional: true },
    ]),
  ],
});

/**
 * The Welsh Index of Multiple Deprivation's ranks by LSOA, as the Welsh Government publishes them
 * (`welsh-index-multiple-deprivation-2019-index-and-domain-ranks-by-small-area.ods`, sheet
 * `WIMD_2019_ranks`: two title rows, then `LSOA code, LSOA name (Eng), Local Authority name (Eng),
 * WIMD 2019, Income, Employment, Health, Education, Access to Services, Housing, Community Safety,
 * Physical Environment`, a blank last column; rank 1 = most deprived of the 1,909 LSOAs of Wales;
 * WIMD 2025 alike, sheet `WIMD_2025_ranks`, on 2021 LSOAs, 1,917 ranked). The four domains
 * shared with the English Indices (income, employment, health, education) are staged beside the
 * index; the four Wales has alone are read and not staged (England's crime, barriers and living
 * environment domains are built otherwise, so their indicators stay England's).
 */
export const wimdRanksFormat = defineCsvFormat({
  id: "wimd_ranks",
  title: "a Welsh Index of Multiple Deprivation ranks table (WIMD: LSOA code, WIMD yyyy, Income, Employment ...)",
  rawTable: "raw_wimd_ranks",
  grain: "one row per LSOA",
  columns: [
    { name: "lsoa_code", header: /^LSOA code$/i, required: true },
    { name: "lsoa_name", header: /^LSOA name( \(Eng\))?$/i, optional: true },
    { name: "lad_name", header: /^Local Authority name( \(Eng\))?$/i, optional: true },
    { name: "imd_rank", header: /^WIMD 20\d{2}$/i, kind: "integer", nonNegative: true, required: true },
    ...(["income", "employment", "health", "education"] as const).map((stem): ColumnSpec => ({ name: `${stem}_rank`, header: stem.replace(/^./, (c) => c.toUpperCase()), kind: "integer", nonNegative: true, required: true })),
    ...WIMD_DOMAINS.map(([stem, header]): ColumnSpec => ({ name: `${stem}_rank`, header, kind: "integer", nonNegative: true, optional: true })),
  ],
});

registerFormats(iodFile1Format, iodFile2Format, onsImdLookupFormat, iodArcgisLayerFormat, wimdRanksFormat);

/**
 * LSOAs ranked in each edition: deciles are ceil(rank x 10 / N). England's Indices (IoD) and
 * Wales's (WIMD: 1,909 LSOAs of 2011 in WIMD 2019, 1,917 of 2021 in WIMD 2025).
 */
export const LSOAS_RANKED: Record<string, number> = { IoD2015: 32844, IoD2019: 32844, IoD2025: 33755, WIMD2019: 1909, WIMD2025: 1917 };
