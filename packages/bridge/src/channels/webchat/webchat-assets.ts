import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * Folder of the built widget (`scripts/build-webchat.mjs` writes `dist/webchat/webchat.js`). This module sits three
 * levels below the package both in `src/` and in `dist/`, so one relative path serves both.
 */
export function webchatAssetsDir(moduleUrl: string = import.meta.url): string {
  return fileURLToPath(new URL('../../../dist/webchat/', moduleUrl));
}

/** Reads the widget bundle; `undefined` when it has not been built. */
export async function readWebchatBundle(dir: string = webchatAssetsDir()): Promise<Buffer | undefined> {
  try {
    return await readFile(`${dir.replace(/\/?$/, '/')}webchat.js`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
