import type { Reporter, TestCase, TestResult } from "@playwright/test/reporter";
import { appendFileSync } from "node:fs";
import { relative } from "node:path";

// Writes one line per failed test (file:line, title, the error's first line)
// to $ROOKERY_E2E_FAILURES, so scripts/test.sh can repeat them in its
// summary: CI shows only the end of a run's output, and the security checks
// print after Playwright.
export default class FailuresReporter implements Reporter {
  onTestEnd(test: TestCase, result: TestResult) {
    const file = process.env.ROOKERY_E2E_FAILURES;
    if (!file || result.status === "passed" || result.status === "skipped") return;
    if (result.status === test.expectedStatus) return;
    const where = `${relative(process.cwd(), test.location.file)}:${test.location.line}`;
    const error = (result.error?.message ?? result.status)
      .replace(/\u001b\[[0-9;]*m/g, "")
      .split("\n")
      .find((line) => line.trim() !== "")
      ?.trim()
      .slice(0, 200);
    appendFileSync(file, `${where} ${test.titlePath().slice(2).join(" > ")}: ${error} (attempt ${result.retry + 1})\n`);
  }
}
