import { describe, expect, it } from 'vitest';
import { failureReports, reportOnFailure } from './support/failure-reports.js';

// The registry behind what a failed test prints (the setup file prints failureReports() on a failure).

describe('failure reports', () => {
  it('gives every registered report under its label, in order, until it is removed', async () => {
    const removeLog = reportOnFailure('bridge log', () => 'line 1\nline 2');
    const removePage = reportOnFailure('widget page', async () => 'socket 1 opening');
    expect(await failureReports()).toBe('--- bridge log ---\nline 1\nline 2\n--- widget page ---\nsocket 1 opening');
    removeLog();
    expect(await failureReports()).toBe('--- widget page ---\nsocket 1 opening');
    removePage();
    removePage(); // a second removal changes nothing
    expect(await failureReports()).toBe('');
  });

  it('says that a report failed without hiding the others', async () => {
    const removeBroken = reportOnFailure('closed page', () => {
      throw new Error('Target page, context or browser has been closed');
    });
    const removeLog = reportOnFailure('bridge log', () => 'line 1');
    try {
      expect(await failureReports()).toBe(
        '--- closed page ---\n(the report failed: Target page, context or browser has been closed)\n--- bridge log ---\nline 1',
      );
    } finally {
      removeBroken();
      removeLog();
    }
  });
});
