/**
 * Windows-1252 as the WHATWG Encoding Standard maps it, written out here as the tests' own oracle
 * (independent of the product's table in `sources/files.ts`, which a test checks against it).
 * Node 20.18.3+ `TextDecoder("windows-1252")` decodes 0x80-0x9F as Latin-1 C1 controls
 * (nodejs/node#56542, #60888): `D’Souza` would come out as `D\x92Souza`, so no test may use it.
 */
const CP1252_80_9F = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/** Decode Windows-1252 bytes to text. */
export function decodeWindows1252(buf: Uint8Array): string {
  let out = "";
  for (const b of buf) out += b >= 0x80 && b <= 0x9f ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b);
  return out;
}
