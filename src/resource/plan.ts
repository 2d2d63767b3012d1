// add-resource as a plan: the resource's new files rendered from
// templates/resource/, and its registration in the versions registry, the
// table index and the manifest, all as one ChangeSet. Nothing is written here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Node, type SourceFile } from '../edit/ts-morph.js';
import { ChangeSet } from '../edit/changes.js';
import {
  assertKnownVersion,
  ensureExportStar,
  ensureNamedImport,
  ensureVersionRoute,
  newestCurrentVersion,
  registryDeprecated,
} from '../edit/registry.js';
import { openSources } from '../edit/source.js';
import { UsageError } from '../errors.js';
import { TEMPLATES_DIR } from '../plan/build.js';
import { readTemplateDir, renderTemplate } from '../plan/render.js';
import { manifestWith, MANIFEST_FILE, REGISTRY_FILE, TABLE_INDEX_FILE, type AccessKind, type Manifest } from '../project/manifest.js';
import { assertIdentifiersFit, type Field } from './fields.js';
import { resourceNames, type ResourceNames } from './names.js';
import { orderIndexName, resourceView, type RefTarget } from './view.js';

export interface NewResource {
  readonly root: string;
  readonly manifest: Manifest;
  readonly names: ResourceNames;
  readonly fieldsSpec: string;
  readonly fields: readonly Field[];
  readonly version?: string;
  readonly access?: AccessKind;
  readonly pagination?: 'cursor' | 'offset';
}

/** The planned change, the version the resource went into (by default the newest not deprecated), and whether that one is deprecated. */
export async function planNewResource(
  request: NewResource,
): Promise<{ changes: ChangeSet; version: string; deprecated: boolean; access: AccessKind; pagination: 'cursor' | 'offset' }> {
  const { root, manifest, names } = request;
  const auth = manifest.options.auth !== 'none';
  if (manifest.resources[names.pluralKebab] || existsSync(path.join(root, 'src/resources', names.pluralKebab))) {
    throw new UsageError(
      `Resource "${names.pluralKebab}" exists already (src/resources/${names.pluralKebab}); to give it a new version use --version <v> --from <v>.`,
    );
  }
  const access = request.access ?? (auth ? 'public-read' : 'public');
  if (!auth && access !== 'public') {
    throw new UsageError(`--access ${access} needs users, and this project was made with --auth none; use --access public.`);
  }

  const changes = new ChangeSet(root);
  const sources = openSources();
  const registryText = (await changes.current(REGISTRY_FILE))!;
  const registry = sources.load(REGISTRY_FILE, registryText);
  const version = request.version ?? newestCurrentVersion(registry);
  assertKnownVersion(registry, version);

  const resolveRef = (field: Field): RefTarget => refTarget(root, manifest, field);
  const refs = new Map(request.fields.filter((field) => field.type === 'ref').map((field) => [field.name, resolveRef(field)]));
  checkIdentifierLengths(names, request.fields, refs, access === 'owner');
  const view = resourceView({
    names,
    fields: request.fields,
    version,
    access,
    pagination: request.pagination ?? manifest.options.pagination,
    auth,
    refs,
    resolveRef,
  });

  for (const file of await readTemplateDir(path.join(TEMPLATES_DIR, 'resource'))) {
    const target = file.path
      .replace(/\.hbs$/, '')
      .replaceAll('__resource__', names.pluralKebab)
      .replaceAll('__version__', version);
    changes.create(target, file.path.endsWith('.hbs') ? renderTemplate(file.content.toString(), view, file.path) : file.content.toString());
  }

  const local = ensureNamedImport(registry, view.routeFactory, `../resources/${names.pluralKebab}/${version}/routes.js`);
  ensureVersionRoute(registry, version, local);
  changes.update(REGISTRY_FILE, registryText, registry.getFullText());

  const indexText = (await changes.current(TABLE_INDEX_FILE))!;
  const index = sources.load(TABLE_INDEX_FILE, indexText);
  const clash = await tableClash(changes, sources, index, names);
  if (clash) {
    throw new UsageError(
      `"${request.names.kebab}" would clash with the table ${clash.table} (${clash.name} in ${clash.file}); choose another name.`,
    );
  }
  ensureExportStar(index, `../resources/${names.pluralKebab}/table.js`);
  changes.update(TABLE_INDEX_FILE, indexText, index.getFullText());

  const record = { fields: request.fieldsSpec, access, pagination: view.cursor ? 'cursor' : 'offset', versions: [version] } as const;
  changes.update(
    MANIFEST_FILE,
    (await changes.current(MANIFEST_FILE))!,
    manifestWith(manifest, { ...manifest.resources, [names.pluralKebab]: record }),
  );
  return { changes, version, deprecated: registryDeprecated(registry).includes(version), access, pagination: record.pagination };
}

/** The names drizzle gives this table's index and constraints, each within the databases' limit. */
function checkIdentifierLengths(
  names: ResourceNames,
  fields: readonly Field[],
  refs: ReadonlyMap<string, RefTarget>,
  owner: boolean,
): void {
  const identifiers = [
    `${names.table}_${owner ? 'user_' : ''}created_at_id_idx`,
    ...(owner ? [`${names.table}_user_id_users_id_fk`] : []),
    ...fields.filter((field) => field.unique).map((field) => `${names.table}_${field.name}_unique`),
    ...fields.filter((field) => field.order).map((field) => orderIndexName(names, field, owner)),
    ...fields
      .filter((field) => field.type === 'ref')
      .map((field) => `${names.table}_${field.name}_${refs.get(field.name)!.sqlTable}_id_fk`),
  ];
  assertIdentifiersFit(identifiers);
}

/**
 * An exported table of the table index's modules that already bears the resource's constant name or SQL name.
 * A module whose text holds neither name cannot clash and is not parsed, so the check costs the same in a project
 * of 40 resources as in one of 2.
 */
async function tableClash(
  changes: ChangeSet,
  sources: ReturnType<typeof openSources>,
  index: SourceFile,
  names: ResourceNames,
): Promise<{ name: string; table: string; file: string } | undefined> {
  const files = index
    .getExportDeclarations()
    .map((declaration) => declaration.getModuleSpecifierValue())
    .filter((specifier) => specifier?.startsWith('.'))
    .map((specifier) => path.posix.join(path.posix.dirname(TABLE_INDEX_FILE), specifier!).replace(/\.js$/, '.ts'));
  const texts = await Promise.all(files.map((file) => changes.current(file)));
  const tables = files.flatMap((file, position) => {
    const text = texts[position];
    if (text == null || (!text.includes(names.pluralCamel) && !text.includes(names.table))) return [];
    return sources
      .load(file, text)
      .getVariableDeclarations()
      .map((variable) => {
        const call = variable.getInitializer();
        const first = call && Node.isCallExpression(call) ? call.getArguments()[0] : undefined;
        return { name: variable.getName(), table: first && Node.isStringLiteral(first) ? first.getLiteralValue() : '', file };
      });
  });
  return tables.find((table) => table.name === names.pluralCamel || table.table === names.table);
}

/** What a ref(...) names: a resource the manifest knows, or the project's users. */
function refTarget(root: string, manifest: Manifest, field: Field): RefTarget {
  const given = field.ref!;
  const known = Object.keys(manifest.resources);
  if (/^users?$/i.test(given)) {
    if (manifest.options.auth === 'none')
      throw new UsageError(`Field "${field.name}": ref(${given}) needs users, and this project was made with --auth none.`);
    return { table: 'users', sqlTable: 'users', fromResource: '../../auth/tables.js', seed: { kind: 'user' } };
  }
  const names = resourceNames(given);
  const record = manifest.resources[names.pluralKebab];
  if (!record || !existsSync(path.join(root, 'src/resources', names.pluralKebab, 'table.ts'))) {
    const choices = [...known, ...(manifest.options.auth !== 'none' ? ['users'] : [])];
    throw new UsageError(
      `Field "${field.name}": ref(${given}) names no resource of this project; it has ${choices.length ? choices.join(', ') : 'none yet'}.`,
    );
  }
  return {
    table: names.pluralCamel,
    sqlTable: names.table,
    fromResource: `../${names.pluralKebab}/table.js`,
    seed: { kind: 'resource', path: `/api/${record.versions[0]}/${names.pluralKebab}`, record, names },
  };
}
