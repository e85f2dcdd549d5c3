// Setup file (`setupFiles` in /vitest.config.ts): when a test fails, prints what the harnesses and pages of its file
// registered with `reportOnFailure` (the bridge's log, the widget's sockets), so a failure seen once in a full run
// can be understood from the run's output alone.
import { beforeEach } from 'vitest';
import { failureReports } from './failure-reports.js';

beforeEach(({ onTestFailed }) => {
  onTestFailed(async ({ task }) => {
    const text = await failureReports();
    if (text) console.error(`\n===== what the test saw: ${task.name} =====\n${text}\n===== end =====`);
  });
});
