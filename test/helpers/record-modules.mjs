// `node --import ./test/helpers/record-modules.mjs ...`: writes every module the process loads
// (ES modules through a load hook, CommonJS from require.cache at exit), one per line, to the
// file named by RECORD_MODULES. test/cli-startup.test.ts checks what `--help` and `run` load.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.RECORD_MODULES;
if (out) {
  register(new URL('./record-modules-hooks.mjs', import.meta.url), { data: { out } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(out, `${Object.keys(require.cache).join('\n')}\n`));
}
