// The outside review's numbers (issue 24), measured on a freshly generated default project (Fastify, SQLite, jwt,
// the example) rather than quoted: how many places a field lives in, how many files spell out the error envelope
// (each would change with its shape), how many lines of core a project carries, and how many lines the field
// commands' edits of a version's schemas.ts take in the generator (the review counted ~800 with the rest of the field
// codemods). Lines are counted as `wc -l` does.
// Run: npm run build && npx tsx bench/review-numbers.ts
import { readdir, readFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

const BIN = path.resolve(import.meta.dirname, '../bin/create-prod-api.js');
const parent = await mkdtemp(path.join(os.tmpdir(), 'cpa-review-'));
await execa(process.execPath, [BIN, 'api', '--yes', '--no-install', '--no-git'], { cwd: parent, env: { CI: 'true' } });
const project = path.join(parent, 'api');
// a field the owner adds to the newest version, as `add-field` writes it (its migration needs an install: skipped)
await execa(process.execPath, [BIN, 'add-field', 'products', 'weight:decimal?', '--version', 'v2'], { cwd: project, env: { CI: 'true' } });

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(project, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(project, path.join(entry.parentPath, entry.name)));
}
const text = async (file: string) => readFile(path.join(project, file), 'utf8');
/** Lines as `wc -l` counts them: the newline ending the last one opens no other. */
const lineCount = (content: string) => content.split('\n').length - (content.endsWith('\n') ? 1 : 0);

/** The lines that name `field`, by file (the resource's source, not its tests). */
async function places(field: string, dir: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const file of await files(dir)) {
    const lines = (await text(file)).split('\n').filter((line) => new RegExp(`\\b${field}\\b`).test(line)).length;
    if (lines > 0) counts[file] = lines;
  }
  return counts;
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
const describe = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([file, count]) => `${file} ${count}`)
    .join(', ');

const stock = await places('stock', 'src/resources/products');
const weight = await places('weight', 'src/resources/products');
console.log(
  `a field of the example in v1 and v2 (products.stock): ${total(stock)} lines in ${Object.keys(stock).length} files (${describe(stock)})`,
);
console.log(`a field added to v2 alone (add-field products weight:decimal? --version v2): ${total(weight)} lines (${describe(weight)})`);

// the envelope spelled out: its discriminator written as a literal, in the code and in the tests
const everything = [...(await files('src')), ...(await files('test'))];
const spelled: string[] = [];
for (const file of everything) if (/status: 'error'|const: 'error'/.test(await text(file))) spelled.push(file);
const inSource = spelled.filter((file) => file.startsWith('src/'));
console.log(
  `files that spell out the error envelope: ${spelled.length} (${inSource.length} in src: ${inSource.join(', ')}; ${spelled.length - inSource.length} tests)`,
);

const lines = async (list: string[]) =>
  (await Promise.all(list.map(async (file) => lineCount(await text(file))))).reduce((a, b) => a + b, 0);
const core = await files('src/core');
const source = await files('src');
console.log(
  `lines of src/core: ${await lines(core)} in ${core.length} files; all of src: ${await lines(source)} in ${source.length} files`,
);

// the generator's side: the schemas.ts edits for the defineFields shape (with the list declaration's, shared by
// both shapes), and for the split shape of projects made before it, kept in its own module
const generator = path.resolve(import.meta.dirname, '..');
const generatorLines = async (file: string) => lineCount(await readFile(path.join(generator, file), 'utf8'));
const fieldsShape = await generatorLines('src/resource/schema-edit.ts');
const splitShape = await generatorLines('src/resource/split-schemas.ts');
const before = lineCount((await execa('git', ['show', '68e5feb:src/resource/schema-edit.ts'], { cwd: generator })).stdout + '\n');
console.log(
  `the field commands' schemas.ts edits (before defineFields, 68e5feb: ${before} lines for the split shape alone): ${fieldsShape} lines for defineFields (src/resource/schema-edit.ts), ${splitShape} for the split shape (src/resource/split-schemas.ts)`,
);
console.log(`(project: ${project})`);
