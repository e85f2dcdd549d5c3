import { Writable } from 'node:stream';

/** What a harness bridge logged: a destination for `createLogger`, the lines parsed, and the raw text. */
export interface CapturedLogs {
  readonly destination: Writable;
  /** Every line, parsed (`{ msg: line }` for a line that is not JSON). */
  readonly logs: Record<string, unknown>[];
  /** Everything written, as text (to check that no token leaked). */
  text(): string;
}

/** Captures a pino logger's output in memory. */
export function captureLogs(): CapturedLogs {
  const logs: Record<string, unknown>[] = [];
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      for (const line of String(chunk).split('\n')) {
        if (!line.trim()) continue;
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          logs.push({ msg: line });
        }
      }
      callback();
    },
  });
  return { destination, logs, text: () => text };
}
