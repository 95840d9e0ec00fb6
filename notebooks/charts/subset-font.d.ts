/** Types for subset-font 2.x (the package ships none): what render.ts uses. */
declare module "subset-font" {
  export default function subsetFont(
    font: Uint8Array,
    text: string,
    options?: { targetFormat?: "sfnt" | "truetype" | "woff" | "woff2"; noHinting?: boolean; preserveNameIds?: number[]; keepFeatures?: string[] },
  ): Promise<Buffer>;
}
