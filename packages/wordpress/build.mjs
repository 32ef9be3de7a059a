#!/usr/bin/env node
// Builds the installable plugin: pay-link/ plus the widget's classic (IIFE) bundle and its translations, copied
// from packages/widget/dist into pay-link/assets/, zipped as dist/pay-link.zip with `pay-link/` as its only top
// folder (what Plugins → Add New → Upload expects). Nothing else goes in: no source maps, no tests, no node_modules.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const widgetDist = join(here, '../widget/dist');
const dist = join(here, 'dist');
const stage = join(dist, 'stage');
const plugin = join(stage, 'pay-link');
const zipFile = join(dist, 'pay-link.zip');

const fail = (msg) => {
  process.stderr.write(`[wordpress build] ${msg}\n`);
  process.exit(1);
};

const bundle = join(widgetDist, 'pay-link-button.iife.js');
// `pnpm -r run build` builds the widget first (a devDependency); run alone, build it when its dist is incomplete.
if (!existsSync(bundle) || !existsSync(join(widgetDist, 'translations/hi.js'))) {
  process.stderr.write('[wordpress build] the widget is not built (or only partly): building it\n');
  const widget = spawnSync('pnpm', ['--filter', '@pay-link/widget', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (widget.error || widget.status !== 0 || !existsSync(bundle)) fail(`${bundle} is missing and building the widget failed: pnpm --filter @pay-link/widget build`);
}

// One version, three places: package.json, the plugin header, readme.txt's Stable tag.
const version = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).version;
const header = readFileSync(join(here, 'pay-link/pay-link.php'), 'utf8');
const readme = readFileSync(join(here, 'pay-link/readme.txt'), 'utf8');
if (!header.includes(` * Version:           ${version}\n`) || !header.includes(`define( 'PAY_LINK_VERSION', '${version}' );`)) {
  fail(`pay-link.php's Version header and PAY_LINK_VERSION must both be ${version} (package.json)`);
}
if (!readme.includes(`Stable tag: ${version}\n`)) fail(`readme.txt's Stable tag must be ${version} (package.json)`);

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(plugin, 'assets/translations'), { recursive: true });
cpSync(join(here, 'pay-link'), plugin, { recursive: true });

// The bundles end with a sourceMappingURL comment; the map is not shipped, so the comment goes too.
const withoutMap = (file) => readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n');
writeFileSync(join(plugin, 'assets/pay-link-button.iife.js'), withoutMap(bundle));
// The chunks the element imports on demand from beside its bundle (prices, the amount field, the QR dialog)
for (const file of ['extras.js', 'amount-input.js', 'qr-dialog.js']) writeFileSync(join(plugin, 'assets', file), withoutMap(join(widgetDist, file)));
const translations = readdirSync(join(widgetDist, 'translations')).filter((f) => f.endsWith('.js'));
for (const file of translations) writeFileSync(join(plugin, 'assets/translations', file), withoutMap(join(widgetDist, 'translations', file)));
// Lit and the widget are MIT-licensed: their notices travel with the bundle.
for (const file of ['THIRD-PARTY-LICENSES.txt']) {
  if (existsSync(join(widgetDist, file))) cpSync(join(widgetDist, file), join(plugin, 'assets', file));
}

// The system zip (Debian: apt-get install zip), else Python's zipfile module.
const zip = spawnSync('zip', ['-q', '-r', '-X', zipFile, 'pay-link'], { cwd: stage, stdio: 'inherit' });
if (zip.error || zip.status !== 0) {
  const py = spawnSync('python3', ['-m', 'zipfile', '-c', zipFile, 'pay-link'], { cwd: stage, stdio: 'inherit' });
  if (py.error || py.status !== 0) fail('neither `zip` nor `python3 -m zipfile` worked: install one (Debian: apt-get install zip)');
}
rmSync(stage, { recursive: true, force: true });
const kb = (statSync(zipFile).size / 1024).toFixed(1);
process.stdout.write(`[wordpress build] dist/pay-link.zip ${kb} kB (pay-link ${version}, ${translations.length} translations)\n`);
