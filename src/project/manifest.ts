// create-prod-api.json: what a generated project was made with, and the
// resources the generator knows in it. add-resource and add-version read it to
// recognise the project, and add what they create.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

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
  readonly options: {
    readonly framework: string;
    readonly database: 'sqlite' | 'postgres' | 'mysql';
    readonly auth: 'jwt' | 'none';
    readonly pagination: 'cursor' | 'offset';
    readonly example: boolean;
    readonly packageManager: string;
  };
  /** by plural kebab name (`order-items`) */
  readonly resources: Readonly<Record<string, ResourceRecord>>;
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
      throw new UsageError(`${notOurs} any more: ${required} is missing. Restore it from version control (or a freshly generated project).`);
    }
  }
  return { manifest: { ...(manifest as Manifest), resources: manifest.resources ?? {} }, text };
}

/** The manifest with `resources` changed, in the file's own layout. */
export function manifestWith(manifest: Manifest, resources: Record<string, ResourceRecord>): string {
  return manifestJson({ ...manifest, resources });
}

/** Two-space JSON with short lists on one line (`"versions": ["v1", "v2"]`), as Prettier writes it. */
export function manifestJson(value: object): string {
  return `${JSON.stringify(value, null, 2).replace(/\[\s+((?:"[^"\n]*",\s+)*"[^"\n]*")\s+\]/g, (_, items: string) => `[${items.split(/,\s+/).join(', ')}]`)}\n`;
}
