import { compareDocuments, type Change } from '../contract/diff.js';
import { liveDocuments } from '../contract/documents.js';
import { CONTRACT_DIR, readContract, releasedVersions, writeContract } from '../contract/files.js';

// `npm run contract:check`: each released version (a committed api-contract/<version>.json) against what the code
// serves now. Exit 1 on a change a client could notice; additions pass and are listed.
// `npm run contract:update [-- v2 ...]`: writes the files of the released versions (and of the versions named,
// which releases them; with none released yet, of every version). It refuses a breaking change unless --force.
const [command, ...args] = process.argv.slice(2);
const root = process.cwd();
const force = args.includes('--force');
// `--` may come through from `pnpm contract:update -- v2`
const named = args.filter((arg) => arg !== '--force' && arg !== '--');

const live = await liveDocuments();
const released = releasedVersions(root);
const numberOf = (version: string) => Number(version.slice(1));
const nextVersion = `v${Math.max(0, ...Object.keys(live).map(numberOf)) + 1}`;
// a version newer than every released one and not released itself takes changes as they come: no new one is needed
const newestReleased = Math.max(0, ...released.map(numberOf));
const open = Object.keys(live)
  .filter((version) => !released.includes(version) && numberOf(version) > newestReleased)
  .sort((a, b) => numberOf(a) - numberOf(b))
  .at(-1);

function describe(version: string, changes: Change[]): { breaking: Change[]; lines: string[] } {
  const breaking = changes.filter((change) => change.breaking);
  const compatible = changes.filter((change) => !change.breaking);
  const rows = (list: Change[]) => {
    const width = (pick: (change: Change) => string) => Math.max(...list.map((change) => pick(change).length));
    const [endpoint, where, field] = [width((c) => c.endpoint), width((c) => c.where), width((c) => c.field)];
    return list.map((c) => `  ${c.endpoint.padEnd(endpoint)}  ${c.where.padEnd(where)}  ${c.field.padEnd(field)}  ${c.change}`);
  };
  const lines: string[] = [];
  if (breaking.length > 0) lines.push(`api/${version} breaks its released contract (${CONTRACT_DIR}/${version}.json):`, ...rows(breaking));
  if (compatible.length > 0) lines.push(`api/${version} compatible changes (no client can notice them):`, ...rows(compatible));
  return { breaking, lines };
}

if (command === 'check') {
  if (released.length === 0) {
    console.log(
      `No released version yet (${CONTRACT_DIR}/ has no contract): nothing to check. Release one with \`npm run contract:update\`.`,
    );
    process.exit(0);
  }
  const broken: string[] = [];
  for (const version of released) {
    if (!live[version]) {
      console.log(`api/${version} breaks its released contract: the version is no longer served (${CONTRACT_DIR}/${version}.json).`);
      broken.push(version);
      continue;
    }
    const { breaking, lines } = describe(version, compareDocuments(readContract(root, version), live[version]));
    console.log(lines.length > 0 ? lines.join('\n') : `api/${version} matches its released contract.`);
    if (breaking.length > 0) broken.push(version);
  }
  if (broken.length > 0) {
    const from = broken.filter((version) => live[version]).at(-1);
    console.log(
      open
        ? `Released versions may only grow. Put the change in ${open}, which is not released yet (the field commands take --version ${open}).`
        : `Released versions may only grow. Put the change in a new version:\n  npx create-prod-api add-version ${nextVersion}${from ? ` --from ${from}` : ''}`,
    );
    process.exit(1);
  }
} else if (command === 'update') {
  const unknown = named.filter((version) => !live[version]);
  if (unknown.length > 0) {
    console.error(`Unknown version ${unknown.join(', ')}: the API serves ${Object.keys(live).join(', ')}.`);
    process.exit(2);
  }
  const versions = [...new Set([...released, ...named, ...(released.length === 0 && named.length === 0 ? Object.keys(live) : [])])];
  for (const version of versions) {
    if (!live[version]) continue;
    if (released.includes(version)) {
      const { breaking, lines } = describe(version, compareDocuments(readContract(root, version), live[version]));
      if (breaking.length > 0 && !force) {
        console.error(
          `${lines.join('\n')}\nNot updated: ${version} is released. Put the change in ${open ?? nextVersion}, or pass --force to rewrite its contract.`,
        );
        process.exit(1);
      }
    }
    writeContract(root, version, live[version]);
    console.log(
      `${CONTRACT_DIR}/${version}.json written${released.includes(version) ? '' : ` (${version} is released once this file is committed)`}.`,
    );
  }
} else {
  console.error('usage: contract.ts check | update [v1 v2 ...] [--force]');
  process.exit(2);
}
