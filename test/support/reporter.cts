/**
 * Mocha's spec reporter plus one closing line in the plain form CI reads:
 * `tests: N passed, N failed, N skipped`.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- mocha loads reporters with require()
import Mocha = require('mocha');

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats;
      if (!s) return;
      process.stdout.write(`\ntests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}

export = SpecWithSummary;
