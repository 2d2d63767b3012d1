// create-prod-api.json: what a generated project was made with, and the
// resources the generator knows in it. add-resource and add-version read it to
// recognise the project, and add what they create.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { RecordedOptions } from '../options.js';
import { now } from '../util/clock.js';

export const MANIFEST_FILE = 'create-prod-api.json';
/** The versions registry: each version's routes, defaults, deprecations. */
export const REGISTRY_FILE = 'src/api/versions.ts';
/** The table index drizzle-kit reads: one export line per table module. */
export const TABLE_INDEX_FILE = 'src/db/schema.ts';

/** Who may read and write a resource: the `--access` choices, as add-resource writes them into the routes. */
export const ACCESS_KINDS = ['public-read', 'staff-write', 'authenticated', 'owner', 'staff', 'public'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

export interface ResourceRecord {
  /** the --fields it was made with */
  readonly fields: string;
  readonly access: AccessKind;
  readonly pagination: 'cursor' | 'offset';
  /** the versions that serve it */
  readonly versions: readonly string[];
  /** values rows made for other resources' tests must have, for rules the fields cannot say (an order needs stock) */
  readonly seed?: Readonly<Record<string, string | number | boolean>>;
}

export interface Manifest {
  readonly generator: 'create-prod-api';
  readonly generatorVersion: string;
  /** the options.ts rows marked `recorded` (`apiKeys` absent in a project made without them, or before they existed) */
  readonly options: Readonly<RecordedOptions>;
  /** by plural kebab name (`order-items`) */
  readonly resources: Readonly<Record<string, ResourceRecord>>;
  /**
   * Every generator command that made the project what it is, in order, with the arguments that decide its output
   * (defaults resolved): running them again in a new folder rebuilds the generated files byte for byte.
   */
  readonly log?: readonly LogEntry[];
  /** sha256 of each file as the generator last wrote it (not .env, whose secret is the project's own): what a later
   * upgrade compares against to know which files the team has changed since. */
  readonly files?: Readonly<Record<string, string>>;
}

export interface LogEntry {
  /** `create`, `add-resource`, `add-version`, `add-field`, ... */
  readonly command: string;
  readonly args: readonly string[];
  /** when it ran, in ms (the generator's clock): a replay runs it at this time (CREATE_PROD_API_CLOCK) */
  readonly at?: number;
}

export const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * After a command has written its files: the command joins the log, and each file it wrote gets its hash. The
 * manifest is read from disk (the command may have changed it) and written back in its own layout.
 */
export async function recordCommand(root: string, entry: LogEntry, written: readonly string[]): Promise<void> {
  const file = path.join(root, MANIFEST_FILE);
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Manifest;
  const files: Record<string, string> = { ...manifest.files };
  for (const relPath of written) {
    if (relPath === MANIFEST_FILE) continue;
    const absPath = path.join(root, relPath);
    if (existsSync(absPath)) files[relPath] = sha256(await readFile(absPath));
    else delete files[relPath];
  }
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFile(
    file,
    manifestJson({ ...manifest, log: [...(manifest.log ?? []), { ...entry, at: entry.at ?? now().getTime() }], files: sorted }),
  );
}

/** The manifest of the project at `root`, or a usage error saying why this is not one. */
export function readManifest(root: string): { manifest: Manifest; text: string } {
  const file = path.join(root, MANIFEST_FILE);
  const notOurs = `${root} is not a project made by create-prod-api`;
  if (!existsSync(file)) {
    throw new UsageError(`${notOurs}: it has no ${MANIFEST_FILE}. Run this command in the project's root folder.`);
  }
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${MANIFEST_FILE} in ${root} is not valid JSON; restore it from version control.`);
  }
  const manifest = data as Partial<Manifest>;
  if (manifest.generator !== 'create-prod-api' || typeof manifest.options !== 'object' || !manifest.options) {
    throw new UsageError(`${notOurs}: its ${MANIFEST_FILE} does not name create-prod-api and the options it was made with.`);
  }
  for (const required of [REGISTRY_FILE, TABLE_INDEX_FILE, 'src/db/columns.ts']) {
    if (!existsSync(path.join(root, required))) {
      throw new UsageError(
        `${notOurs} any more: ${required} is missing. Restore it from version control (or a freshly generated project).`,
      );
    }
  }
  return { manifest: { ...(manifest as Manifest), resources: manifest.resources ?? {} }, text };
}

/** The manifest with `resources` changed, in the file's own layout. */
export function manifestWith(manifest: Manifest, resources: Record<string, ResourceRecord>): string {
  return manifestJson({ ...manifest, resources });
}

/** The project's Prettier width: a list that fits in it is on one line, as Prettier writes JSON. */
const PRINT_WIDTH = 140;

/** Two-space JSON with short lists on one line (`"versions": ["v1", "v2"]`), as Prettier writes it. */
export function manifestJson(value: object): string {
  const text = JSON.stringify(value, null, 2).replace(
    /^([ \t]*)("[^"\n]*": )?\[\s+((?:"[^"\n]*",\s+)*"[^"\n]*")\s+\](,?)$/gm,
    (whole, indent: string, key: string | undefined, items: string, comma: string) => {
      const line = `${indent}${key ?? ''}[${items.split(/,\s+/).join(', ')}]${comma}`;
      return line.length <= PRINT_WIDTH ? line : whole;
    },
  );
  return `${text}\n`;
}
