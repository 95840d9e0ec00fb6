import { describe, expect, test } from "vitest";
import { formatNumber, withUnit } from "../../../notebooks/charts/bundle.ts";

describe("formatNumber", () => {
  test("groups thousands and prints a true minus sign", () => {
    expect(formatNumber(14517.84, 1)).toBe("14,517.8");
    expect(formatNumber(-1.25, 2)).toBe("\u22121.25");
  });
  test("a value that rounds to zero is 0.0, never minus zero", () => {
    expect(formatNumber(-0.04, 1)).toBe("0.0");
    expect(formatNumber(-0, 0)).toBe("0");
    expect(formatNumber(-0.004, 2)).toBe("0.00");
    expect(withUnit(-0.01, "%", 1)).toBe("0.0%");
    expect(formatNumber(-0.05, 1)).toBe("\u22120.1");
  });
  test("no value is said in words", () => {
    expect(formatNumber(null)).toBe("no value");
    expect(formatNumber(Number.NaN)).toBe("no value");
  });
});
