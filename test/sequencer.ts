/**
 * The order test files start in: the long ones first (measured on 2 cores), so that the
 * workers finish together instead of one long file starting last; then vitest's own order
 * (files that failed last time, then the longest last time, then the largest).
 */
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Path fragments of the long test files, longest first. */
const LONG_FIRST = [
  "test/pipelines/refresh/kill.test.ts",
  "test/sources/bad-input/bad-input.test.ts",
  "test/pipelines/refresh/refresh.test.ts",
  "test/pipelines/refresh/io-errors.test.ts",
  "test/pipelines/personal-data.test.ts",
  "test/pipelines/determinism.test.ts",
  "test/pipelines/pack-html.test.ts",
  "test/notebooks/notebooks.test.ts",
  "test/notebooks/notebooks-medway.test.ts",
  "test/pipelines/build.test.ts",
  "test/pipelines/fetch-cli.test.ts",
];

const rank = (spec: TestSpecification) => {
  const file = spec.moduleId.replaceAll("\\", "/");
  const i = LONG_FIRST.findIndex((f) => file.endsWith(f));
  return i < 0 ? LONG_FIRST.length : i;
};

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    return base.map((spec, i) => ({ spec, i })).sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i).map((x) => x.spec);
  }
}
