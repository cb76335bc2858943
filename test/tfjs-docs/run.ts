// `npm run docs-examples`: runs TF.js's core documentation examples on TF.js and on neurite, prints the full
// report (every exclusion and failure with its reason) and writes the details to test-results/tfjs-docs.json.

import { fullReport, runDocExamples, writeResults } from './harness.js';

const report = await runDocExamples();
writeResults(report);
console.log(fullReport(report));
