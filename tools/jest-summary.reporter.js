// A Jest reporter that writes each project's counts to tmp/test-results/<project>.json, so that
// scripts/test.sh can print one closing line for the whole run ("N passed, N failed").
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options = {}) {
    this.name = options.name ?? 'jest';
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', 'tmp', 'test-results');
    mkdirSync(dir, { recursive: true });
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(path.join(dir, `${this.name}-${process.pid}.json`), JSON.stringify(summary));
  }
}

module.exports = SummaryReporter;
