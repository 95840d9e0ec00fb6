/**
 * Notebook Kit's runtime loads libraries lazily from cdn.jsdelivr.net: `FileAttachment(...).csv()`
 * imports d3-dsv, `.arrow()` apache-arrow, `.parquet()` parquet-wasm, `.arquero()` arquero, and the
 * built-in `d3`, `Plot`, `Inputs`, `L`, `mapboxgl`, `duckdb`, `tex`, `vl`, ... import theirs. This
 * Vite plugin rewrites every such URL in the kit's runtime before it is bundled, so nothing built
 * refers to a CDN:
 *
 * - a module URL (`.../npm/d3-dsv/+esm`) becomes the package's bare name when it is installed in
 *   node_modules, so Vite bundles it and `FileAttachment("x.csv").csv()` works offline;
 * - a file URL (`.../npm/@observablehq/inputs/dist/index.css`) becomes the installed file;
 * - a library that is not installed becomes a module (or an expression) that throws, naming the
 *   package and version to add (`messages.notebookLoaderNotInstalled`): using it fails with that
 *   message instead of reaching the network; nothing else is affected.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "vite";
import { messages } from "../../pipelines/core/messages.ts";

/** The CDN prefix Notebook Kit's runtime loads from. */
export const KIT_CDN = "https://cdn.jsdelivr.net/npm/";

/** A package reference parsed from a CDN URL. */
export interface CdnReference {
  /** Package name, scoped or not (`apache-arrow`, `@duckdb/duckdb-wasm`). */
  name: string;
  /** The version pinned in the URL, if any. */
  version?: string;
  /** The path inside the package (`/+esm` for its module entry; may contain `${...}`). */
  file: string;
}

/** Parse what follows {@link KIT_CDN}: `apache-arrow@17.0.0/+esm` -> name, version, file. */
export function parseCdnReference(rest: string): CdnReference {
  const m = /^((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?(\/.*)?$/.exec(rest);
  if (!m) throw new Error(`cannot read the CDN reference ${KIT_CDN}${rest}`);
  return { name: m[1], version: m[2], file: m[3] ?? "/+esm" };
}

const MISSING = "virtual:localneeds-missing/";
const STRING = /(["'`])https:\/\/cdn\.jsdelivr\.net\/npm\/([^"'`]*)\1/g;
const STATIC_IMPORT = /\bfrom\s*["']https:\/\/cdn\.jsdelivr\.net\/npm\/([^"']*)["']/g;
const CSS_IMPORT = /@import\s+url\(\s*["']https:\/\/cdn\.jsdelivr\.net\/npm\/([^"']*)["']\s*\)\s*;/g;

/** A module that fails, when imported, with `message`. */
const throwingModule = (message: string) => ({ code: `throw new Error(${JSON.stringify(message)});\nexport {};\n`, map: null });

/** The Vite plugin (see the module comment). */
export function offlineLibraries(): Plugin {
  /** The package's folder as Node would find it from `from` (node_modules here or above). */
  const packageDir = (name: string, from: string): string | undefined => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "node_modules", name);
      if (existsSync(path.join(candidate, "package.json"))) return candidate;
      if (path.dirname(dir) === dir) return undefined;
    }
  };
  const notInstalled = (ref: CdnReference) => messages.notebookLoaderNotInstalled(ref.name, ref.version ?? "latest");
  const isKitRuntime = (id: string) => /[\\/]@observablehq[\\/]notebook-kit[\\/]dist[\\/]src[\\/]runtime[\\/]/.test(id);

  return {
    name: "localneeds:offline-libraries",
    enforce: "pre",
    resolveId(id) {
      return id.startsWith(MISSING) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${MISSING}`)) return null;
      return throwingModule(notInstalled(parseCdnReference(id.slice(MISSING.length + 1).replace("+", "/"))));
    },
    transform(code, id) {
      const file = id.split("?")[0];
      if (!isKitRuntime(file) || !code.includes(KIT_CDN)) return null;
      if (file.endsWith(".css")) {
        return code.replace(CSS_IMPORT, (line, rest: string) => {
          const ref = parseCdnReference(rest);
          const dir = packageDir(ref.name, path.dirname(file));
          if (!dir || !existsSync(path.join(dir, ref.file))) {
            notInstalled(ref);
            return "";
          }
          return `@import url(${JSON.stringify(ref.name + ref.file)});`;
        });
      }
      // A module that imports a missing library statically (leaflet.js, duckdb.js, ...) is only
      // ever imported dynamically by the runtime: it becomes one that throws, so using `L` or
      // `DuckDBClient` fails with the message and no named import is left dangling.
      for (const m of code.matchAll(STATIC_IMPORT)) {
        const ref = parseCdnReference(m[1]);
        if (!packageDir(ref.name, path.dirname(file))) return throwingModule(notInstalled(ref));
      }
      const assets: string[] = [];
      const out = code.replace(STRING, (literal, quote: string, rest: string) => {
        const ref = parseCdnReference(rest);
        const dir = packageDir(ref.name, path.dirname(file));
        if (ref.file === "/+esm") {
          if (dir) return JSON.stringify(ref.name);
          // One virtual module per package (`+` for the scope's slash keeps chunk names readable).
          return JSON.stringify(`${MISSING}${ref.name.replace("/", "+")}${ref.version ? `@${ref.version}` : ""}`);
        }
        if (dir && !rest.includes("${") && existsSync(path.join(dir, ref.file))) {
          assets.push(`${ref.name}${ref.file}?url`);
          return `__localneeds_asset${assets.length}`;
        }
        return `(() => { throw new Error(${JSON.stringify(notInstalled(ref))}); })()`;
      });
      const imports = assets.map((a, i) => `import __localneeds_asset${i + 1} from ${JSON.stringify(a)};\n`).join("");
      return { code: imports + out, map: null };
    },
  };
}
