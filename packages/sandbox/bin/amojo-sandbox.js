#!/usr/bin/env node
// Committed so npm links the command on the first `npm install` of a fresh clone: npm links bins before the
// "prepare" build writes dist/, and a bin pointing into dist/ would be skipped (and npx would then look for a
// package of that name on the public registry). The program itself is the compiled dist/cli.js.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('/dist/cli.js')) {
    process.stderr.write('amojo-sandbox is not built yet: run `npm run build` in the repository, then try again.\n');
    process.exit(1);
  }
  throw error;
}
