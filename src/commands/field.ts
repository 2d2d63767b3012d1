// add-field, list-field, remove-field, rename-field: one resource's field changed in one
// version. The version gets its own copy of the resource's schemas first when it
// only inherits them; a change that would break a released version (one with
// api-contract/<v>.json) is refused before anything is planned to disk.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ChangeSet } from '../edit/changes.js';
import type { Formatter } from '../edit/formatter.js';
import {
  assertKnownVersion,
  ensureNamedImport,
  newestCurrentVersion,
  registryDeprecated,
  registryVersions,
  versionRoutes,
} from '../edit/registry.js';
import { openSources, type Sources } from '../edit/source.js';
import type { SourceFile } from '../edit/ts-morph.js';
import { UsageError } from '../errors.js';
import { manifestWith, MANIFEST_FILE, readManifest, REGISTRY_FILE, type Manifest } from '../project/manifest.js';
import { planVersionCopy } from '../resource/copy-version.js';
import { fieldCode } from '../resource/field-code.js';
import { assertIdentifiersFit, assertNewFieldName, parseFields, type Field } from '../resource/fields.js';
import { resourceNames, type ResourceNames } from '../resource/names.js';
import {
  addFieldTo,
  isFields,
  listEntry,
  readKeys,
  removeFieldFrom,
  renameFieldIn,
  setListEntry,
  versionSchemas,
  writeKeys,
  writtenProp,
  type VersionSchemas,
} from '../resource/schema-edit.js';
import { columnMayBeOmitted, columnOf, ensureColumn, ensureIndex, tableColumns, type TableColumns } from '../resource/table-edit.js';
import { listFieldCode, orderIndexName } from '../resource/view.js';
import { ensureFieldTest, removeFieldTests, renameFieldTests, testedVersion } from '../resource/test-edit.js';
import { createUi, type Ui } from '../ui.js';
import { applyEdit } from './apply-edit.js';
import { assertVersionNames, contractFile, isReleased, nextVersion, oldestFirst, versionNumber } from '../project/versions.js';

export interface FieldFlags {
  version?: string;
  dryRun?: boolean;
}

export type FieldChange =
  | { readonly kind: 'add'; readonly resource: string; readonly spec: string }
  | { readonly kind: 'list'; readonly resource: string; readonly spec: string }
  | { readonly kind: 'remove'; readonly resource: string; readonly name: string }
  | { readonly kind: 'rename'; readonly resource: string; readonly name: string; readonly to: string };

/** What the command works on: the resource's files in one version, loaded once. */
interface Target {
  readonly root: string;
  readonly manifest: Manifest;
  readonly names: ResourceNames;
  readonly version: string;
  readonly changes: ChangeSet;
  readonly sources: Sources;
  readonly schemasPath: string;
  readonly schemas: VersionSchemas;
  /** the versions that serve this version's copy of the resource: it and the later ones that inherit it */
  readonly servedBy: readonly string[];
  /** of those, the released ones (with api-contract/<v>.json) */
  readonly released: readonly string[];
  /** every version of the registry, oldest first */
  readonly versions: readonly string[];
  /** a copy made by this command, from the version it inherited */
  readonly copiedFrom?: string;
}

export async function runFieldChange(
  root: string,
  change: FieldChange,
  flags: FieldFlags,
  formatter: Formatter,
  output?: Writable,
): Promise<void> {
  const ui = createUi(output);
  assertVersionNames([['--version', flags.version]]);
  const field = change.kind === 'add' ? parseOneField(change.spec) : undefined;
  if (change.kind === 'remove' || change.kind === 'rename') assertFieldName(change.name);
  if (change.kind === 'rename') {
    assertNewFieldName(change.to, `rename-field: the new name "${change.to}"`);
    if (change.to === change.name)
      throw new UsageError(`rename-field: ${change.name} and the new name are the same; give a different new name.`);
  }
  const target = await openTarget(root, change.resource, flags.version, change.kind === 'add', ui);
  const { names, version, changes, sources } = target;
  const tablePath = `src/resources/${names.pluralKebab}/table.ts`;
  const testPath = `test/${names.pluralKebab}.test.ts`;
  const [tableText, testText] = [await changes.current(tablePath), await changes.current(testPath)];
  if (tableText === null) throw new UsageError(`${tablePath} is missing; restore it from version control.`);
  const table = tableColumns(sources.load(tablePath, tableText), names.pluralCamel);
  const test = testText === null ? undefined : sources.load(testPath, testText);
  let schemas = target.schemas;
  let migration: string | undefined;
  // a column the table did not have: the manifest's fields gain it (an index alone does not make a field)
  let newColumn = false;
  // a test the generator wrote is in the manifest's files (the example's test is one, and has its own shape); any
  // other was written by the team
  const origin = testPath in (target.manifest.files ?? {}) ? 'as create-prod-api wrote it' : 'it was written by hand';
  const noTest = () => ui.warn(`${testPath} has no payload() and create() helpers (${origin}): add a test of the change there.`);
  // such a test says nowhere which version it tests: what it sends and expects is the team's to check
  const handWritten = (file: SourceFile) => {
    if (testedVersion(file) === undefined) {
      ui.warn(
        `${testPath} names no version it tests (no \`const path = '/api/vN/...'\`; ${origin}): check what it sends and expects of ${change.kind === 'add' || change.kind === 'list' ? 'the field' : change.name} in ${version}.`,
      );
    }
  };

  if (change.kind === 'add') {
    const code = fieldCode(field!);
    const column = columnOf(table, field!.prop);
    // the same field again, or another definition of it: never a silent no-op, nor a second test of it
    if ([...readKeys(schemas), ...writeKeys(schemas)].includes(field!.name)) {
      throw new UsageError(
        `add-field: ${version}'s ${names.pluralKebab} has a field ${field!.name} already; to change its definition, remove-field it and add-field it again ` +
          `(in a version that is not released), or choose another name.`,
      );
    }
    // a field renamed in this version still writes the column under its old name: a second field on it would fight it
    const writer = writeKeys(schemas).find((key) => key !== field!.name && writtenProp(schemas, key) === field!.prop);
    if (writer !== undefined) {
      throw new UsageError(
        `add-field: ${version}'s ${names.pluralKebab} field ${writer} writes the column ${field!.prop} already (a renamed field); ` +
          `rename-field ${change.resource} ${writer} ${field!.name} to call it ${field!.name} again, or choose another name.`,
      );
    }
    // a new response field, or a new optional request field, is compatible; a request field clients must now send is not
    if (code.required && !writeKeys(schemas).includes(field!.name)) {
      refuseOnReleased(target, `adding the required field ${field!.name}`, `add-field ${change.resource} ${change.spec}`);
    }
    if (column === undefined && code.required) {
      throw new UsageError(
        `add-field ${field!.name}: a new column needs a value for the rows that exist already; make it optional (${field!.name}:${field!.type}?) or give it a default (:default=...).`,
      );
    }
    if (column === undefined && field!.unique) assertIdentifiersFit([`${names.table}_${field!.name}_unique`]);
    addFieldTo(schemas, code);
    if (code.write.includes('decimal(')) ensureNamedImport(schemas.file, 'decimal', '../../../core/validation.js');
    if (isFields(schemas)) for (const helper of code.entryHelpers) ensureNamedImport(schemas.file, helper, '../../../core/fields.js');
    if (column === undefined) {
      ensureColumn(table, field!.prop, code.column, code.columnHelpers);
      migration = `add_${names.table}_${field!.name}`;
      newColumn = true;
    }
    if (
      test &&
      !ensureFieldTest(test, { version, plural: names.pluralKebab, name: field!.name, sample: code.sample, invalid: code.invalid })
    )
      noTest();
    if (isListed(field!)) {
      const indexed = declareInList(target, schemas, table, field!);
      schemas = indexed.schemas;
      if (indexed.migration && !migration) migration = `index_${names.table}_${field!.name}`;
    }
  } else if (change.kind === 'list') {
    const name = change.spec.split(':')[0]!;
    assertFieldName(name);
    const known = [...new Set([...readKeys(schemas), ...writeKeys(schemas)])];
    if (!known.includes(name))
      throw new UsageError(`${version}'s ${names.pluralKebab} has no field ${name}; its fields are ${known.join(', ')}.`);
    const listed = listedField(target, change.spec, writtenProp(schemas, name));
    const before = listRules(listEntry(schemas, listed.name));
    const lost = [
      ...before.filter
        .filter((lookup) => !(listed.filter as readonly string[] | undefined)?.includes(lookup))
        .map((lookup) => `the filter ${lookup === 'exact' ? listed.name : `${listed.name}__${lookup}`}`),
    ];
    if (before.search && !listed.search) lost.push(`searching ${listed.name}`);
    if (before.order && !listed.order) lost.push(`ordering by ${listed.name}`);
    // a client may use what the list offered: taking it away breaks them, adding to it does not
    if (lost.length > 0) refuseOnReleased(target, `removing ${lost.join(', ')}`, `list-field ${change.resource} ${change.spec}`);
    const indexed = declareInList(target, schemas, table, listed);
    schemas = indexed.schemas;
    if (indexed.migration) migration = `index_${names.table}_${listed.name}`;
  } else {
    const known = [...new Set([...readKeys(schemas), ...writeKeys(schemas)])];
    const gone = !known.includes(change.name);
    if (change.kind === 'remove') {
      if (gone) await assertWasField(target, table, change.name, known);
      else {
        refuseOnReleased(target, `removing ${change.name}`, `remove-field ${change.resource} ${change.name}`);
        const prop = writtenProp(schemas, change.name);
        const builder = prop === undefined ? undefined : columnOf(table, prop);
        if (writeKeys(schemas).includes(change.name) && builder !== undefined && !columnMayBeOmitted(builder)) {
          throw new UsageError(
            `remove-field ${change.name}: ${version} could not create a ${names.kebab} without it (the column ${prop} is NOT NULL with no default); ` +
              `give the column a default in ${tablePath} (and run drizzle-kit generate) first, or keep the field.`,
          );
        }
      }
      removeFieldFrom(schemas, change.name);
      if (test) removeFieldTests(test, version, change.name);
      if (test && !gone) handWritten(test);
    } else {
      const renamedAlready = gone && known.includes(change.to);
      if (gone && !renamedAlready) await assertWasField(target, table, change.name, known);
      if (!gone && known.includes(change.to))
        throw new UsageError(`rename-field: ${version}'s ${names.pluralKebab} has a field ${change.to} already; choose another name.`);
      if (!gone) refuseOnReleased(target, `renaming ${change.name}`, `rename-field ${change.resource} ${change.name} ${change.to}`);
      schemas = renameFieldIn(schemas, change.name, change.to);
      if (test) renameFieldTests(test, version, change.name, change.to);
      if (test && !gone) handWritten(test);
    }
  }

  changes.update(target.schemasPath, (await changes.current(target.schemasPath))!, schemas.file.getFullText());
  changes.update(tablePath, tableText, table.file.getFullText());
  if (test && testText !== null) changes.update(testPath, testText, test.getFullText());
  const record = target.manifest.resources[names.pluralKebab];
  if (record) {
    const versions = [...new Set([...record.versions, version])];
    const fields = fieldsAfter(record.fields, change, newColumn, version === record.versions[0]);
    if (versions.length !== record.versions.length || fields !== record.fields) {
      changes.update(
        MANIFEST_FILE,
        (await changes.current(MANIFEST_FILE))!,
        manifestWith(target.manifest, { ...target.manifest.resources, [names.pluralKebab]: { ...record, versions, fields } }),
      );
    }
  }
  if (target.copiedFrom)
    ui.info(
      `${version} inherited ${names.pluralKebab} from ${target.copiedFrom}: it gets its own copy (src/resources/${names.pluralKebab}/${version}/), changed there.`,
    );
  if (change.kind === 'remove' && !flags.dryRun)
    ui.info(`The column stays in ${tablePath}: the rows keep their values, and other versions may read them.`);
  await applyEdit({
    ui,
    root,
    changes,
    formatter,
    dryRun: flags.dryRun ?? false,
    packageManager: target.manifest.options.packageManager,
    ...(migration ? { migration } : {}),
    serves: `/api/${version}/${names.pluralKebab}`,
    record: { command: `${change.kind}-field`, args: [...fieldArgs(change), '--version', version] },
  });
}

function fieldArgs(change: FieldChange): string[] {
  switch (change.kind) {
    case 'add':
    case 'list':
      return [change.resource, change.spec];
    case 'remove':
      return [change.resource, change.name];
    case 'rename':
      return [change.resource, change.name, change.to];
  }
}

function parseOneField(spec: string): Field {
  if (spec.includes(',')) throw new UsageError(`add-field takes one field, and "${spec}" holds a comma; run it once per field.`);
  const [field] = parseFields(spec);
  if (field!.type === 'ref') {
    throw new UsageError(
      `add-field ${field!.name}: a ref column is not added to an existing resource by this command; add the resource's reference with add-resource, or by hand.`,
    );
  }
  return field!;
}

const isListed = (field: Field) => Boolean(field.filter?.length || field.search || field.order);

/**
 * The field's entry in the version's list declaration set to its rules (taken out when it has none), and, ordered,
 * the index that serves that ordering. A version written before lists were declared has no declaration to edit.
 */
function declareInList(
  target: Target,
  schemas: VersionSchemas,
  table: TableColumns,
  field: Field,
): { schemas: VersionSchemas; migration: boolean } {
  const { names } = target;
  if (!schemas.list) {
    throw new UsageError(
      `${target.schemasPath} has no \`${names.camel}List = defineList({ fields: { ... } })\` (it was written before lists were declared): ` +
        `add one as add-resource writes it (see docs/http-contract.md §6) and pass it to the routes (\`list: schemas.${names.camel}List\`), then run the command again.`,
    );
  }
  const next = setListEntry(schemas, field.name, isListed(field) ? listFieldCode(names.pluralCamel, field) : undefined);
  if (!field.order) return { schemas: next, migration: false };
  // the column may have just been added, a text edit: the table is found again
  const owner = columnOf(tableColumns(table.file, table.pluralCamel), 'userId') !== undefined;
  const name = orderIndexName(names, field, owner);
  assertIdentifiersFit([name]);
  const key = field.type === 'decimal' ? `decimalOrder(t.${field.prop})` : `t.${field.prop}`;
  const added = ensureIndex(table, name, `${owner ? 't.userId, ' : ''}${key}, t.id`, field.type === 'decimal' ? ['decimalOrder'] : []);
  return { schemas: next, migration: added };
}

/** `list-field products price:filter=gte|lte:order`: the field's type from the manifest's record, its list rules from the spec. */
function listedField(target: Target, spec: string, written: string | undefined): Field {
  const [name = '', ...rules] = spec.split(':');
  assertFieldName(name);
  const record = target.manifest.resources[target.names.pluralKebab]?.fields;
  const example = target.manifest.options.example ? EXAMPLE_FIELDS[target.names.pluralKebab] : undefined;
  // the column the version's field fills: a field renamed in this version is still its column's (`title` -> name)
  const prop = written ?? name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
  const known = parseFields(record ?? example ?? `${name}:string`).find((field) => field.name === name || field.prop === prop);
  if (!known || (!record && !example)) {
    throw new UsageError(
      `list-field: the manifest does not record ${target.names.pluralKebab}'s field ${name} (its type decides its lookups); declare it in ${target.schemasPath} by hand.`,
    );
  }
  const typeText = known.type === 'enum' ? `enum(${known.values!.join('|')})` : known.type === 'ref' ? `ref(${known.ref})` : known.type;
  const listRulesOnly = rules.filter((rule) => /^(filter|search|order)(=|$)/.test(rule));
  if (listRulesOnly.length !== rules.length) {
    throw new UsageError(
      `list-field ${spec}: it takes list rules only (filter, filter=<lookups>, search, order), e.g. price:filter=gte|lte:order; the field's other rules stay as they are.`,
    );
  }
  return { ...parseFields([`${name}:${typeText}${known.optional ? '?' : ''}`, ...listRulesOnly].join(':'))[0]!, prop };
}

/** The example's fields, as its feature records them (a project made before the manifest held them). */
const EXAMPLE_FIELDS: Record<string, string> = {
  products: 'name:string,price:decimal,stock:int',
  orders: 'product_id:ref(products),quantity:int,shipping_address:string',
};

/** What a list entry declares, read from its text: lost lookups, search or ordering break a released version's clients. */
function listRules(entry: string | undefined): { filter: string[]; search: boolean; order: boolean } {
  if (!entry) return { filter: [], search: false, order: false };
  const filter = /filter:\s*\[([^\]]*)\]/.exec(entry)?.[1] ?? '';
  return {
    filter: [...filter.matchAll(/'([a-z]+)'/g)].map((match) => match[1]!),
    search: /search:\s*true/.test(entry),
    order: /order:\s*true/.test(entry),
  };
}

function assertFieldName(name: string): void {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new UsageError(`"${name}" is not a field name: fields are snake_case, e.g. unit_price.`);
}

async function openTarget(root: string, resource: string, given: string | undefined, mayDefault: boolean, ui: Ui): Promise<Target> {
  const { manifest } = readManifest(root);
  const names = resourceNames(resource);
  const folder = `src/resources/${names.pluralKebab}`;
  if (!existsSync(path.join(root, folder, 'table.ts'))) {
    const known = Object.keys(manifest.resources);
    const example = manifest.options.example ? ['products', 'orders'] : [];
    const all = [...new Set([...example, ...known])];
    throw new UsageError(
      `No resource "${resource}" in this project (${folder}/table.ts); it has ${all.length ? all.join(', ') : 'none yet'}.`,
    );
  }
  const changes = new ChangeSet(root);
  const sources = openSources();
  const registryText = (await changes.current(REGISTRY_FILE))!;
  const registry = sources.load(REGISTRY_FILE, registryText);
  if (given === undefined && !mayDefault)
    throw new UsageError('This command needs --version: the version whose schemas change, e.g. --version v3.');
  const version = given ?? newestCurrentVersion(registry);
  assertKnownVersion(registry, version);
  if (registryDeprecated(registry).includes(version))
    ui.warn(`${version} is deprecated: clients are moving off it. The change is made there all the same.`);

  const owners = definingVersions(registry, names.pluralKebab);
  const ordered = oldestFirst(registryVersions(registry));
  const ownerOf = (v: string) => ordered.filter((w) => versionNumber(w) <= versionNumber(v) && owners.has(w)).at(-1);
  const inherited = ownerOf(version);
  if (inherited === undefined) {
    throw new UsageError(
      `${version} does not serve ${names.pluralKebab}: it starts in ${[...owners].sort()[0] ?? 'no version'}. Choose a version that serves it.`,
    );
  }
  let copiedFrom: string | undefined;
  if (inherited !== version) {
    await planVersionCopy({ changes, sources, registry, resource: names.pluralKebab, from: inherited, to: version });
    changes.update(REGISTRY_FILE, registryText, registry.getFullText());
    owners.add(version);
    copiedFrom = inherited;
  }
  const servedBy = ordered.filter((v) => versionNumber(v) >= versionNumber(version) && ownerOf(v) === version);
  const released = servedBy.filter((v) => isReleased(root, v));
  const schemasPath = `${folder}/${version}/schemas.ts`;
  const schemasText = await changes.current(schemasPath);
  if (schemasText === null) throw new UsageError(`${schemasPath} is missing; restore it from version control.`);
  const schemas = versionSchemas(sources.load(schemasPath, schemasText), names.camel);
  return {
    root,
    manifest,
    names,
    version,
    changes,
    sources,
    schemasPath,
    schemas,
    servedBy,
    released,
    versions: ordered,
    ...(copiedFrom ? { copiedFrom } : {}),
  };
}

/** The versions whose route lists register a factory from src/resources/<resource>/<version>/routes.ts. */
function definingVersions(registry: SourceFile, resource: string): Set<string> {
  const owners = new Set<string>();
  for (const version of registryVersions(registry)) {
    for (const identifier of versionRoutes(registry, version)) {
      for (const declaration of registry.getImportDeclarations()) {
        const named = declaration
          .getNamedImports()
          .some((specifier) => (specifier.getAliasNode()?.getText() ?? specifier.getName()) === identifier);
        if (named && declaration.getModuleSpecifierValue() === `../resources/${resource}/${version}/routes.js`) owners.add(version);
      }
    }
  }
  return owners;
}

/** A change a released version's clients would notice: refused, naming where to make it instead. */
function refuseOnReleased(target: Target, what: string, command: string): void {
  const [first] = target.released;
  if (first === undefined) return;
  const also = target.servedBy.length > 1 ? ` (its ${target.names.pluralKebab} are served by ${target.servedBy.join(', ')})` : '';
  // a newer version nobody relies on yet takes the change; else a new one
  const open = target.versions.filter((v) => versionNumber(v) > versionNumber(target.version) && !isReleased(target.root, v)).at(-1);
  const next = nextVersion(target.versions);
  const safely = open
    ? `Make the change in ${open}, which is not released: create-prod-api ${command} --version ${open}.`
    : `Make the change in a new version: create-prod-api add-version ${next}, then create-prod-api ${command} --version ${next}.`;
  throw new UsageError(`${first} is released (${contractFile(first)})${also}: ${what} would break its clients. ${safely}`);
}

/**
 * A field the version does not have: fine when the table or another version of the resource has it (an earlier run
 * removed or renamed it here, and running again changes nothing), else a mistake, named with the fields there are.
 */
async function assertWasField(
  target: Target,
  table: ReturnType<typeof tableColumns>,
  name: string,
  known: readonly string[],
): Promise<void> {
  const prop = name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
  if (columnOf(table, prop) !== undefined) return;
  for (const version of target.versions) {
    const file = `src/resources/${target.names.pluralKebab}/${version}/schemas.ts`;
    const text = version === target.version ? null : await target.changes.current(file);
    if (text === null) continue;
    try {
      const schemas = versionSchemas(target.sources.load(file, text), target.names.camel);
      if (readKeys(schemas).includes(name) || writeKeys(schemas).includes(name)) return;
    } catch {
      // a version's file in a shape of the user's own: it tells nothing here
    }
  }
  throw new UsageError(`${target.version}'s ${target.names.pluralKebab} has no field ${name}; its fields are ${known.join(', ')}.`);
}

/**
 * The manifest's --fields for the resource after the change: a new column joins them; a field renamed or removed in
 * the version the generated tests of other resources write it through (its first) is renamed or dropped there too.
 */
function fieldsAfter(fields: string, change: FieldChange, newColumn: boolean, firstVersion: boolean): string {
  if (change.kind === 'add') return newColumn ? `${fields},${change.spec}` : fields;
  if (change.kind === 'list' || !firstVersion) return fields;
  const entries = fields.split(',');
  const named = (entry: string) => entry.split(':')[0] === change.name;
  if (change.kind === 'remove') return entries.filter((entry) => !named(entry)).join(',');
  return entries.map((entry) => (named(entry) ? `${change.to}${entry.slice(change.name.length)}` : entry)).join(',');
}
