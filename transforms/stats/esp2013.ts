/**
 * The European Standard Population 2013: 19 five-year bands 0-4, 5-9, ..., 85-89, 90+ summing
 * to 100,000. The default standard for directly standardised rates (PHEindicatormethods `esp2013`).
 */
export const ESP2013: readonly number[] = Object.freeze([
  5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
]);

/** Band labels of `ESP2013`, in the same order. */
export const ESP2013_BANDS: readonly string[] = Object.freeze([
  "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
  "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
]);
