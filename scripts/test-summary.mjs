// Prints `tests: N passed, M failed` from vitest's JSON report (written by the root vitest config).
// A missing or empty report is itself a failure: a run that ran nothing must show it.
import { existsSync, readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest/results.json";
if (!existsSync(file)) {
  console.log("tests: 0 passed, 1 failed");
  console.error(`no vitest report at ${file}: the test run did not finish`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, "utf8"));
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
