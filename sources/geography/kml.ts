/**
 * KML boundaries (the ONS Open Geography Portal's "KML" download, and what Google Earth or QGIS
 * export): each `Placemark` a feature, its attributes from `ExtendedData` (`SimpleData name=...`
 * of a schema, or `Data name=...` with its `value`), and `name` when no attribute is called so;
 * its `Polygon`s (in a `MultiGeometry` or alone), each an outer ring and its inner rings
 * (holes). KML is always lon/lat on WGS84 (`lon,lat[,alt]` tuples). Parsed with saxes, as the
 * workbooks are.
 */
import { readFileSync } from "node:fs";
import { SaxesParser } from "saxes";

/** One placemark: its attributes and polygons (an outer ring then holes, rings of [lon, lat]), or null polygons with the geometry it had instead. */
export interface KmlFeature {
  properties: Record<string, string>;
  polygons: number[][][][];
  geometryTypes: string[];
}

const localName = (name: string) => name.slice(name.indexOf(":") + 1);

/** `lon,lat[,alt]` tuples separated by white space: a ring of [lon, lat]. */
function ring(text: string): number[][] {
  return text.trim().split(/\s+/).filter(Boolean).map((t) => t.split(",").slice(0, 2).map(Number));
}

/** Every placemark of a KML file, in order. Throws with the parser's message on a file that is not well-formed XML. */
export function readKmlFeatures(file: string): KmlFeature[] {
  const out: KmlFeature[] = [];
  const parser = new SaxesParser({ xmlns: false });
  let feature: KmlFeature | null = null;
  const path: string[] = [];
  let text = "";
  let dataName: string | null = null;
  let polygon: number[][][] | null = null;
  let inner = false;
  parser.on("opentag", (tag) => {
    const name = localName(tag.name);
    path.push(name);
    text = "";
    if (name === "Placemark") feature = { properties: {}, polygons: [], geometryTypes: [] };
    else if (!feature) return;
    else if (name === "SimpleData" || name === "Data") dataName = String(tag.attributes.name ?? "");
    else if (name === "Polygon") polygon = [];
    else if (name === "innerBoundaryIs") inner = true;
    else if (name === "outerBoundaryIs") inner = false;
    else if (["Point", "LineString", "Model", "Track"].includes(name) && !path.includes("Polygon")) feature.geometryTypes.push(name);
  });
  parser.on("text", (t) => { text += t; });
  parser.on("cdata", (t) => { text += t; });
  parser.on("closetag", (tag) => {
    const name = localName(tag.name);
    path.pop();
    if (!feature) return;
    if (name === "Placemark") {
      out.push(feature);
      feature = null;
    } else if (name === "SimpleData") {
      if (dataName) feature.properties[dataName] = text.trim();
      dataName = null;
    }
    else if (name === "value" && dataName) feature.properties[dataName] = text.trim();
    else if (name === "Data") dataName = null;
    else if (name === "name" && path[path.length - 1] === "Placemark" && !("name" in feature.properties)) feature.properties.name = text.trim();
    else if (name === "coordinates" && polygon) {
      // The outer ring first, then the holes, whatever order the file gives them in.
      if (inner) polygon.push(ring(text));
      else polygon.unshift(ring(text));
    } else if (name === "Polygon" && polygon) {
      feature.polygons.push(polygon);
      feature.geometryTypes.push("Polygon");
      polygon = null;
    }
    text = "";
  });
  parser.write(readFileSync(file, "utf8").replace(/^\uFEFF/, "")).close();
  return out;
}
