import type { FullResult, Reporter, Suite } from '@playwright/test/reporter';

/** Ends the run with one plain `e2e: N passed, M failed` line, as CI logs are read for it. */
export default class SummaryReporter implements Reporter {
  private suite: Suite | undefined;

  onBegin(_config: unknown, suite: Suite): void {
    this.suite = suite;
  }

  onEnd(_result: FullResult): void {
    const outcomes = (this.suite?.allTests() ?? []).map((t) => t.outcome());
    const passed = outcomes.filter((o) => o === 'expected').length;
    const failed = outcomes.filter((o) => o === 'unexpected' || o === 'flaky').length;
    console.log(`e2e: ${passed} passed, ${failed} failed`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
