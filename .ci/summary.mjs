// Prints the one closing line CI reads, `N passed, N failed`, from vitest's JSON report.
import { existsSync, readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  // the build or the runner itself failed before any test ran
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));

// Each failure in a few lines, just above the closing line: a long log is cut from the top where CI shows its tail,
// and a failure inside a generated project's own `npm test` is otherwise buried in that project's whole output.
const plain = stripVTControlCharacters;
const telling = /\bFAIL\b|×|AssertionError|Error:|expected /;
for (const suite of report.testResults ?? []) {
  for (const test of suite.assertionResults ?? []) {
    if (test.status !== 'failed') continue;
    console.log(`FAILED ${test.fullName ?? test.title}`);
    const lines = plain((test.failureMessages ?? []).join('\n')).split('\n');
    const shown = [lines[0], ...lines.slice(1).filter((line) => telling.test(line))].slice(0, 12);
    for (const line of shown) console.log(`  ${line.trim().slice(0, 300)}`);
  }
  if (suite.status === 'failed' && !(suite.assertionResults ?? []).some((test) => test.status === 'failed')) {
    console.log(`FAILED ${suite.name}: ${plain(suite.message ?? '').split('\n')[0]}`);
  }
}
const failed = report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || report.numPassedTests === 0 ? 1 : 0);
