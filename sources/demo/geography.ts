/**
 * Geography files in ONS Open Geography Portal layouts: the LSOA21 -> WD24 -> LAD24 best-fit
 * lookup (Geoportal download: BOM, CRLF, `ObjectId` last), the WD24 -> LAD24 -> RGN24 -> CTRY24
 * lookup (jtrim-mirror style: no BOM, LF, `FID` first), and ward and LSOA boundaries as
 * CRS84 GeoJSON with the ONS property names.
 */
import { BOROUGH, COUNTRY, NEIGHBOUR, REGION, lonLatRing, toLonLat, type Borough } from "./borough.ts";
import { csvFile, csvLine, roundTo, type DemoFile } from "./format.ts";

/** The four geography files. */
export function geographyFiles(b: Borough): DemoFile[] {
  const lsoaLookup = [
    "LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM,ObjectId",
    ...b.lsoas.map((l, i) => csvLine([l.code, l.name, l.ward.code, l.ward.name, BOROUGH.code, BOROUGH.name, i + 1])),
  ];
  const wardRows = [
    ...b.wards.map((w) => [w.code, w.name, BOROUGH.code, BOROUGH.name]),
    ...b.neighbourWards.map((w) => [w.code, w.name, NEIGHBOUR.code, NEIGHBOUR.name]),
  ];
  const hierarchy = [
    "FID,WD24CD,WD24NM,LAD24CD,LAD24NM,RGN24CD,RGN24NM,CTRY24CD,CTRY24NM",
    ...wardRows.map((r, i) => csvLine([i + 1, ...r, REGION.code, REGION.name, COUNTRY.code, COUNTRY.name])),
  ];
  const crs = { type: "name", properties: { name: "urn:ogc:def:crs:OGC:1.3:CRS84" } };
  const wardsGeo = {
    type: "FeatureCollection",
    name: "wards_WD24",
    crs,
    features: b.wards.map((w) => {
      const [lon, lat] = toLonLat(w.centre);
      return {
        type: "Feature",
        properties: { WD24CD: w.code, WD24NM: w.name, LAD24CD: BOROUGH.code, LAD24NM: BOROUGH.name, LONG: roundTo(lon, 6), LAT: roundTo(lat, 6) },
        geometry: { type: "Polygon", coordinates: [lonLatRing(w.polygon)] },
      };
    }),
  };
  const lsoaGeo = {
    type: "FeatureCollection",
    name: "lsoa21",
    crs,
    features: b.lsoas.map((l) => ({
      type: "Feature",
      properties: { LSOA21CD: l.code, LSOA21NM: l.name },
      geometry: { type: "Polygon", coordinates: [lonLatRing(l.polygon)] },
    })),
  };
  const json = (x: unknown) => new TextEncoder().encode(JSON.stringify(x) + "\n");
  return [
    csvFile("geography/LSOA21_WD24_LAD24_lookup.csv", lsoaLookup, { eol: "\r\n", bom: true }),
    csvFile("geography/WD24_LAD24_RGN24_CTRY24_lookup.csv", hierarchy, { eol: "\n" }),
    { path: "geography/wards_WD24.geojson", bytes: json(wardsGeo) },
    { path: "geography/lsoa21.geojson", bytes: json(lsoaGeo) },
  ];
}
