import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildWidgetArchive } from '../amocrm/widget/build-widget-archive.js';
import { type CliIo, EXIT } from './cli-io.js';
import { packageVersion } from './package-version.js';

/** `amojo-bridge widget build`: writes the amoCRM widget archive; needs only the bridge URL and the widget code. */
export function runWidgetBuild(options: {
  readonly io: CliIo;
  readonly out: string;
  readonly bridgeUrl: string | undefined;
  readonly code: string | undefined;
}): number {
  const { io } = options;
  const bridgeUrl = (options.bridgeUrl ?? io.env.PUBLIC_URL)?.trim().replace(/\/+$/, '');
  if (!bridgeUrl || !/^https?:\/\/[^/\s]+/.test(bridgeUrl)) {
    io.stderr('widget build: give the bridge public URL with --bridge-url <url> or PUBLIC_URL (http or https)\n');
    return EXIT.usage;
  }
  const code = (options.code ?? io.env.AMOCRM_WIDGET_CODE ?? 'amojo_bridge').trim();
  if (!/^[a-z0-9_]{1,40}$/.test(code)) {
    io.stderr('widget build: --code (AMOCRM_WIDGET_CODE) must be 1..40 of a-z, 0-9, _\n');
    return EXIT.usage;
  }
  const archive = buildWidgetArchive({ bridgeUrl, code, version: packageVersion() });
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, archive);
  io.stdout(
    `widget archive written: ${out} (${archive.length} bytes)\nupload it in amoCRM: Settings > Integrations > your integration > Upload widget\n`,
  );
  return EXIT.ok;
}
