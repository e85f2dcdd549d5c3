#!/usr/bin/env bash
# Proves the published shape works outside the monorepo: packs the three packages with `npm pack`, installs the
# tarballs into an empty project, and runs both commands with `npm exec --no` (which never falls back to the
# registry). Needs the packages built (`npm run build`). Scripts of dependencies are skipped: `--help` loads no
# native module.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/amojo-packed.XXXXXX)
trap 'rm -rf "$work"' EXIT
for ws in packages/sdk packages/sandbox packages/bridge; do
  npm pack --silent --pack-destination "$work" -w "$ws" >/dev/null
done
mkdir "$work/project"
cd "$work/project"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --prefer-offline --ignore-scripts "$work"/*.tgz
npm exec --no -- amojo-sandbox --help | head -n 1
npm exec --no -- amojo-bridge --help | head -n 1
echo "packed bins: amojo-sandbox and amojo-bridge run from an installed tarball"
