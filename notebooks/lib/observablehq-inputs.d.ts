/** @observablehq/inputs ships no types: the notebooks use it untyped. */
declare module "@observablehq/inputs";
