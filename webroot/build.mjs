// Bundles the browser app with esbuild into the folder the server serves as "public/". The bundles'
// names carry a hash of their content (app-<hash>.js, style-<hash>.css), so the server lets browsers
// keep them for a year; index.html, which names them, is rewritten on every build and always revalidated.
import * as esbuild from 'esbuild';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, process.env.PARLEY_WEB_OUT || '../target/classes/public');
const watch = process.argv.includes('--watch');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await cp(path.join(here, 'static'), out, { recursive: true });

/** Each entry point's name in static/index.html, by the path esbuild reports it under in the metafile. */
const named = { 'src/main.js': '/app.js', 'styles/app.css': '/style.css' };

/** After each build, index.html names the hashed bundles (the build fails if it names something else). */
const hashedNames = {
  name: 'hashed-names',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length > 0) {
        return;
      }
      let html = await readFile(path.join(here, 'static', 'index.html'), 'utf8');
      for (const [file, output] of Object.entries(result.metafile.outputs)) {
        const plain = named[output.entryPoint];
        if (plain && !file.endsWith('.map')) {
          if (!html.includes(`"${plain}"`)) {
            throw new Error(`static/index.html does not name ${plain}`);
          }
          html = html.replace(`"${plain}"`, `"/${path.basename(file)}"`);
        }
      }
      await writeFile(path.join(out, 'index.html'), html);
    });
  },
};

const options = {
  absWorkingDir: here,
  entryPoints: { app: 'src/main.js', style: 'styles/app.css' },
  entryNames: '[name]-[hash]',
  metafile: true,
  plugins: [hashedNames],
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
  // warnings and errors only, never colored: the Maven build's log is read in files and CI pages
  logLevel: watch ? 'info' : 'warning',
  color: watch && !process.env.NO_COLOR,
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
