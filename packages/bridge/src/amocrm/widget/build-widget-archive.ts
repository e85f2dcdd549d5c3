import { zipSync } from 'fflate';
import { type WidgetFilesOptions, widgetFiles } from './widget-files.js';

/**
 * The widget archive amoCRM accepts (`widget.zip`, files at the root of the archive, not in a folder), built with
 * fflate. Deterministic for the same options: entries carry a fixed date, so two builds are byte-identical.
 */
export function buildWidgetArchive(options: WidgetFilesOptions): Uint8Array {
  const mtime = new Date('2026-01-01T00:00:00Z');
  const files = widgetFiles(options);
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, bytes]) => [path, [bytes, { mtime }]])), {
    level: 9,
  });
}
