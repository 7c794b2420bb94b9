// Spec output on the console plus a machine-readable summary for .ci/run, because mocha allows only
// one reporter per run and CI must count from the real run, not from mocha's prose.
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env['MOCHA_SUMMARY_FILE'];
      if (!file) return;
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      writeFileSync(file, `${JSON.stringify({ passed: s.passes, failed: s.failures, skipped: s.pending })}\n`);
    });
  }
}

export default SummaryReporter;
