// What a failed test prints besides its error: each harness or page that can explain a failure registers a report
// here, and the setup file (`failure-reports-setup.ts`) prints every registered report when a test fails. Each test
// file runs in its own process, so the registry is the file's own.

/** Writes one report: what the piece saw, as lines of text. */
export type FailureReport = () => string | Promise<string>;

const reports = new Set<{ readonly label: string; readonly report: FailureReport }>();

/**
 * Registers a report printed when a test of this file fails, until the returned function removes it (a harness
 * removes its report when it closes).
 */
export function reportOnFailure(label: string, report: FailureReport): () => void {
  const entry = { label, report };
  reports.add(entry);
  return () => {
    reports.delete(entry);
  };
}

/** Every registered report, each under its label; a report that throws says so instead of hiding the others. */
export async function failureReports(): Promise<string> {
  const parts: string[] = [];
  for (const { label, report } of reports) {
    let text: string;
    try {
      text = await report();
    } catch (error) {
      text = `(the report failed: ${error instanceof Error ? error.message : String(error)})`;
    }
    parts.push(`--- ${label} ---\n${text}`);
  }
  return parts.join('\n');
}
