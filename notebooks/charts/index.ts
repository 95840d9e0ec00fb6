/**
 * `localneeds/charts`: pure chart builders (rows -> Vega-Lite spec bundle) shared by the needs
 * assessment pack and the notebooks, the shared theme, and headless SVG/PNG rendering (Node).
 * Browser code should import `./builders.ts` instead (no native modules).
 */
export * from "./builders.ts";
export { createPngPool, renderPng, renderSvg, renderSvgAndBare, withoutTitle, type PngPool, type RenderPngOptions, type RenderSvgOptions } from "./render.ts";
