import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BridgeConfigIssue } from '../errors.js';

/** The parsed JSON object of a config file, or the problem that prevented reading it. */
export type ConfigFileResult =
  | { readonly ok: true; readonly path: string; readonly values: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly issue: BridgeConfigIssue };

/** Reads a JSON config file; `variable` names where the path came from (`--config` or `AMOJO_BRIDGE_CONFIG`). */
export function readConfigFile(options: { readonly path: string; readonly variable: string }): ConfigFileResult {
  const path = resolve(options.path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, issue: { variable: options.variable, expected: `a readable JSON file (${path}: ${reason})` } };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message quotes file content, which may hold secrets: report the file only.
    return { ok: false, issue: { variable: options.variable, expected: `a file containing valid JSON (${path})` } };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, issue: { variable: options.variable, expected: `a JSON object at the top of ${path}` } };
  }
  return { ok: true, path, values: parsed as Record<string, unknown> };
}
