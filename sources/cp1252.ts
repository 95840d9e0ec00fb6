/**
 * Windows-1252 (the code page of council CRM exports and GIAS), both ways, from one table. Node 20's
 * `TextDecoder('windows-1252')` decodes bytes 0x80-0x9F as Latin-1 C1 controls (fixed only in
 * later Node versions), which would turn `O’Brien` into `O\x92Brien`: so we decode it ourselves.
 */

/** The code points of bytes 0x80-0x9F (the rest is Latin-1); 0x81, 0x8D, 0x8F, 0x90 and 0x9D are unassigned and stay C1 controls. */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Decode Windows-1252 bytes to a string. */
export function decodeCp1252(bytes: Uint8Array): string {
  let out = "";
  const CHUNK = 8192;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const part = bytes.subarray(i, i + CHUNK);
    const codes = new Array<number>(part.length);
    for (let j = 0; j < part.length; j++) {
      const b = part[j]!;
      codes[j] = b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b;
    }
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** The byte of each character the 0x80-0x9F range stands for (the assigned ones). */
const HIGH_BYTE = new Map(CP1252_HIGH.flatMap((cp, i) => (cp > 0xff ? [[cp, 0x80 + i] as const] : [])));

/** Encode text as Windows-1252; throws on a character the code page lacks. */
export function encodeCp1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const b = cp < 0x80 || (cp >= 0xa0 && cp <= 0xff) ? cp : HIGH_BYTE.get(cp);
    if (b === undefined) throw new Error(`character U+${cp.toString(16).toUpperCase().padStart(4, "0")} (${ch}) has no Windows-1252 byte`);
    out[n++] = b;
  }
  return out.subarray(0, n);
}
