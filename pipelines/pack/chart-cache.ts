/** Where a build keeps its drawn charts (no heavy imports: the bench's child processes use it too). */
import path from "node:path";

/** The folder of chart images (SVG, PNG) a build with this config keeps beside its packs, by content hash (safe to delete). */
export const chartCacheOf = (config: { outputDir: string }) => path.join(path.dirname(config.outputDir), ".cache", "charts");
