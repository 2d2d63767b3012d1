// add-resource: flags -> the project's manifest -> a ChangeSet planned in
// memory (new files + registry edits) -> diff or apply -> migration.
import type { Writable } from 'node:stream';
import { openSources } from '../edit/source.js';
import { UsageError } from '../errors.js';
import { manifestWith, MANIFEST_FILE, readManifest, REGISTRY_FILE } from '../project/manifest.js';
import { planVersionCopy } from '../resource/copy-version.js';
import { parseFields } from '../resource/fields.js';
import { resourceNames } from '../resource/names.js';
import { planNewResource } from '../resource/plan.js';
import { ChangeSet } from '../edit/changes.js';
import type { Formatter } from '../edit/formatter.js';
import { assertKnownVersion } from '../edit/registry.js';
import { createUi } from '../ui.js';
import { applyEdit } from './apply-edit.js';
import { assertVersionNames, contractFile, isReleased } from '../project/versions.js';
import type { AddResourceFlags } from './grow.js';

export async function runAddResource(
  root: string,
  name: string,
  flags: AddResourceFlags,
  formatter: Formatter,
  output?: Writable,
): Promise<void> {
  const { manifest } = readManifest(root);
  const names = resourceNames(name);
  assertVersionNames([
    ['--version', flags.version],
    ['--from', flags.from],
  ]);
  const ui = createUi(output);

  if (flags.from !== undefined) {
    if (flags.version === undefined) throw new UsageError('--from needs --version: the version to copy the schemas into.');
    if (flags.fields !== undefined || flags.access !== undefined || flags.pagination !== undefined) {
      throw new UsageError(
        '--from copies the resource as it is: --fields, --access and --pagination do not apply (edit the copy instead).',
      );
    }
    if (flags.from === flags.version) throw new UsageError(`--from and --version are both ${flags.version}; copy into another version.`);
    const record = manifest.resources[names.pluralKebab];
    const changes = new ChangeSet(root);
    const sources = openSources();
    const registryText = (await changes.current(REGISTRY_FILE))!;
    const registry = sources.load(REGISTRY_FILE, registryText);
    for (const version of [flags.from, flags.version]) assertKnownVersion(registry, version);
    await planVersionCopy({ changes, sources, registry, resource: names.pluralKebab, from: flags.from, to: flags.version });
    changes.update(REGISTRY_FILE, registryText, registry.getFullText());
    if (record) {
      const versions = [...new Set([...record.versions, flags.version])];
      changes.update(
        MANIFEST_FILE,
        (await changes.current(MANIFEST_FILE))!,
        manifestWith(manifest, { ...manifest.resources, [names.pluralKebab]: { ...record, versions } }),
      );
    }
    const logged = { command: 'add-resource', args: [name, '--version', flags.version, '--from', flags.from] };
    await applyEdit({
      ui,
      root,
      changes,
      formatter,
      dryRun: flags.dryRun ?? false,
      packageManager: manifest.options.packageManager,
      record: logged,
    });
    return;
  }

  if (flags.fields === undefined) throw new UsageError('add-resource needs --fields, e.g. --fields "name:string,price:decimal:min=0".');
  const fields = parseFields(flags.fields);
  const { changes, version, deprecated, access, pagination } = await planNewResource({
    root,
    manifest,
    names,
    fieldsSpec: flags.fields,
    fields,
    version: flags.version,
    access: flags.access,
    pagination: flags.pagination,
  });
  if (deprecated) {
    ui.warn(`${version} is deprecated: clients are moving off it. The resource is added there, and served by every later version too.`);
  }
  if (isReleased(root, version)) {
    ui.warn(
      `${version} is released (${contractFile(version)}): adding a resource to it is compatible, but changing an existing ` +
        `resource's schemas in ${version} is not. For such a change, give the resource a new version: --version <v> --from ${version}.`,
    );
  }
  await applyEdit({
    ui,
    root,
    changes,
    formatter,
    dryRun: flags.dryRun ?? false,
    packageManager: manifest.options.packageManager,
    migration: `add_${names.table}`,
    serves: `/api/${version}/${names.pluralKebab}`,
    record: {
      command: 'add-resource',
      args: [name, '--fields', flags.fields, '--version', version, '--access', access, '--pagination', pagination],
    },
  });
}
