/** The real Kent samples as a Thanet build reads them (a ward of a district: Margate Central). */
import { realData } from "./shared.ts";

export const MARGATE_CENTRAL = "E05005093";
export const THANET = "E07000114";

/** The geography block of a Thanet build over the national WD19 lookups, and its crime and population sources. */
export const thanetGeography = () => ({
  wardVintage: "WD19",
  lsoaLookup: realData("ons_geography", "LSOA11_to_WD19_LAD19_EW_lookup.csv"),
  hierarchy: realData("ons_geography", "WD19_LAD19_CTY19_RGN19_CTRY19_UK_lookup.csv"),
  authorities: [THANET],
  lookups: ["LSOA11_to_UTLA19_lookup.kent-medway.csv", "LAD19_to_CSP19_PFA19_lookup.csv", "LAD19_to_PHEC19_PHEREG19_lookup.csv"].map((f) => realData("ons_geography", f)),
});

/** Kent's police.uk months and IoD File 6 residents (the crime and population sources of a Thanet build). */
export const thanetCrimeAndPopulation = () => ({
  crime: { files: [realData("police", "20*-kent-street*.csv")] },
  population: { files: [realData("imd2019", "File_6_-_IoD2019_Population_Denominators.kent-medway.csv")] },
});
