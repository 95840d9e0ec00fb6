/**
 * Indices of Deprivation per LSOA in the layout of the MHCLG files converted from xlsx: UTF-8
 * with BOM, CRLF, national ranks among 33,755 LSOAs written with thousands separators (so
 * quoted: `"1,279"`), deciles consistent with the ranks, domain scores to 3 dp.
 */
import { BOROUGH, type Borough } from "./borough.ts";
import { csvFile, csvLine, fixed, quoted, thousands, type DemoFile } from "./format.ts";
import { Rng } from "./random.ts";

/** LSOAs in England (2021 geography), the rank base. */
export const NATIONAL_LSOAS = 33_755;

/** The IoD file header. */
export const IOD_HEADER = [
  "LSOA code (2021)",
  "LSOA name (2021)",
  "Local Authority District code (2024)",
  "Local Authority District name (2024)",
  "Index of Multiple Deprivation (IMD) Score",
  "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
  "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
  "Income Score (rate)",
  "Employment Score (rate)",
  "Education, Skills and Training Score",
  "Health Deprivation and Disability Score",
  "Crime Score",
  "Barriers to Housing and Services Score",
  "Living Environment Score",
];

/** (IMD score, share of England's LSOAs at least this deprived): a rough national distribution. */
const SCORE_QUANTILES: [number, number][] = [
  [92, 0], [45, 0.1], [34.2, 0.2], [27.6, 0.3], [22.4, 0.4], [18.3, 0.5], [14.8, 0.6], [11.7, 0.7], [9, 0.8], [6.4, 0.9], [0.5, 1],
];

/** National rank (1 = most deprived) of a score. */
export function nationalRank(score: number): number {
  let frac = 1;
  for (let i = 1; i < SCORE_QUANTILES.length; i++) {
    const [s0, f0] = SCORE_QUANTILES[i - 1];
    const [s1, f1] = SCORE_QUANTILES[i];
    if (score >= s1) {
      frac = f0 + ((f1 - f0) * (s0 - Math.min(score, s0))) / (s0 - s1);
      break;
    }
  }
  return Math.min(NATIONAL_LSOAS, Math.max(1, Math.round(frac * NATIONAL_LSOAS)));
}

/** Decile of a national rank (1 = most deprived 10%). */
export function decileOfRank(rank: number): number {
  return Math.min(10, Math.floor(((rank - 1) * 10) / NATIONAL_LSOAS) + 1);
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Per-LSOA scores (exported for tests and the README's story table). */
export function iodScores(b: Borough): { code: string; score: number; rank: number }[] {
  const rng = Rng.for(b.seed, "deprivation");
  const used = new Set<number>();
  return b.lsoas.map((l) => {
    const score = Number(fixed(clamp(4 + 58 * l.deprivation ** 1.3 + rng.normal(0, 3), 0.8, 85), 3));
    let rank = nationalRank(score);
    while (used.has(rank)) rank = rank < NATIONAL_LSOAS ? rank + 1 : 1;
    used.add(rank);
    return { code: l.code, score, rank };
  });
}

/** The IoD file. */
export function deprivationFiles(b: Borough): DemoFile[] {
  const rng = Rng.for(b.seed, "deprivation-domains");
  const scores = iodScores(b);
  const lines = [csvLine(IOD_HEADER)];
  b.lsoas.forEach((l, i) => {
    const d = l.deprivation;
    const { score, rank } = scores[i];
    lines.push(
      [
        l.code,
        l.name,
        BOROUGH.code,
        BOROUGH.name,
        fixed(score, 3),
        rank >= 1000 ? quoted(thousands(rank)) : String(rank),
        String(decileOfRank(rank)),
        fixed(clamp(0.02 + 0.38 * d ** 1.2 + rng.normal(0, 0.02), 0.005, 0.6), 3),
        fixed(clamp(0.02 + 0.28 * d ** 1.2 + rng.normal(0, 0.015), 0.005, 0.5), 3),
        fixed(clamp(3 + 60 * d ** 1.3 + rng.normal(0, 5), 0.05, 95), 3),
        fixed(clamp(-2.2 + 3.8 * d + rng.normal(0, 0.3), -3.5, 3.5), 3),
        fixed(clamp(-1.5 + 3.2 * d + (l.ward.townCentre ? 0.5 : 0) + rng.normal(0, 0.3), -3, 3.5), 3),
        fixed(clamp(12 + 18 * d + rng.normal(0, 5), 1, 70), 3),
        fixed(clamp(8 + 35 * d + rng.normal(0, 6), 0.5, 90), 3),
      ].join(","),
    );
  });
  return [csvFile("deprivation/iod_lsoa_scores.csv", lines, { eol: "\r\n", bom: true })];
}
