// Bundles the browser app with esbuild into the folder the server serves as "public/".
import * as esbuild from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, process.env.PARLEY_WEB_OUT || '../target/classes/public');
const watch = process.argv.includes('--watch');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(path.join(here, 'static'), out, { recursive: true });

const options = {
  absWorkingDir: here,
  entryPoints: { app: 'src/main.js', style: 'styles/app.css' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  minify: !watch,
  sourcemap: true,
  legalComments: 'linked',
  define: { global: 'globalThis', 'process.env.NODE_ENV': '"production"' },
  loader: { '.svg': 'text' },
  logLevel: 'info',
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
