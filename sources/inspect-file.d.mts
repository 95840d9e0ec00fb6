import type { FileFacts } from "./files.ts";
export declare function inspectFile(file: string): Promise<FileFacts>;
export declare const BLOCK: number;
