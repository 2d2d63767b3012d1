// add-version: a new API version in the registry; with --from, every resource
// of that version copied into it (and the version's other routes served by it
// too); with --deprecate/--sunset, the old version announced as going away.
import type { Writable } from 'node:stream';
import { ChangeSet } from '../edit/changes.js';
import type { Formatter } from '../edit/formatter.js';
import {
  assertKnownVersion,
  ensureDeprecation,
  ensureVersion,
  ensureVersionRoute,
  registryVersions,
  versionRoutes,
} from '../edit/registry.js';
import { openSources } from '../edit/source.js';
import { UsageError } from '../errors.js';
import { manifestWith, MANIFEST_FILE, readManifest, REGISTRY_FILE, type ResourceRecord } from '../project/manifest.js';
import { planVersionCopy } from '../resource/copy-version.js';
import { createUi } from '../ui.js';
import { now } from '../util/clock.js';
import { assertVersionNames } from '../project/versions.js';
import type { AddVersionFlags } from './grow.js';
import { applyEdit } from './apply-edit.js';

export async function runAddVersion(
  root: string,
  version: string,
  flags: AddVersionFlags,
  formatter: Formatter,
  output?: Writable,
  today = now(),
): Promise<void> {
  const { manifest } = readManifest(root);
  assertVersionNames([
    ['version', version],
    ['--from', flags.from],
    ['--deprecate', flags.deprecate],
  ]);
  if ((flags.deprecate === undefined) !== (flags.sunset === undefined)) {
    throw new UsageError('--deprecate and --sunset go together: --deprecate v1 --sunset 2027-06-30.');
  }
  const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
  if (flags.since !== undefined && (flags.deprecate === undefined || !isDate(flags.since))) {
    throw new UsageError(`--since ${flags.since}: the date a deprecation starts goes with --deprecate, written YYYY-MM-DD.`);
  }
  // the deprecation starts today unless --since says otherwise (the manifest's log records it, so a replay agrees)
  const since = flags.since ?? today.toISOString().slice(0, 10);
  if (flags.sunset !== undefined && (!isDate(flags.sunset) || flags.sunset <= since)) {
    throw new UsageError(
      `--sunset ${flags.sunset} must be a date after ${flags.since === undefined ? 'today' : '--since'} (${since}), written YYYY-MM-DD.`,
    );
  }

  const changes = new ChangeSet(root);
  const sources = openSources();
  const registryText = (await changes.current(REGISTRY_FILE))!;
  const registry = sources.load(REGISTRY_FILE, registryText);
  const existing = registryVersions(registry);
  if (existing.includes(version)) throw new UsageError(`Version ${version} exists already; the registry serves ${existing.join(', ')}.`);
  if (flags.from !== undefined) assertKnownVersion(registry, flags.from);
  if (flags.deprecate !== undefined && !existing.includes(flags.deprecate)) {
    throw new UsageError(
      `--deprecate ${flags.deprecate}: there is no ${flags.deprecate} to deprecate; the registry serves ${existing.join(', ')}.`,
    );
  }

  ensureVersion(registry, version);
  const resources: Record<string, ResourceRecord> = { ...manifest.resources };
  if (flags.from !== undefined) {
    for (const route of versionRoutes(registry, flags.from)) {
      const resource = resourceOfRoute(registry, route, flags.from);
      if (resource) {
        await planVersionCopy({ changes, sources, registry, resource, from: flags.from, to: version });
        const record = resources[resource];
        if (record) resources[resource] = { ...record, versions: [...new Set([...record.versions, version])] };
      } else {
        // not a resource (e.g. /me): the same routes, served by the new version as well
        ensureVersionRoute(registry, version, route);
      }
    }
  }
  if (flags.deprecate !== undefined) ensureDeprecation(registry, flags.deprecate, { since, sunset: flags.sunset!, successor: version });
  changes.update(REGISTRY_FILE, registryText, registry.getFullText());
  changes.update(MANIFEST_FILE, (await changes.current(MANIFEST_FILE))!, manifestWith(manifest, resources));

  const args = [
    version,
    ...(flags.from ? ['--from', flags.from] : []),
    ...(flags.deprecate ? ['--deprecate', flags.deprecate, '--sunset', flags.sunset!, '--since', since] : []),
  ];
  await applyEdit({
    ui: createUi(output),
    root,
    changes,
    formatter,
    dryRun: flags.dryRun ?? false,
    packageManager: manifest.options.packageManager,
    record: { command: 'add-version', args },
  });
}

/** The resource folder a registered route factory comes from (`../resources/products/v1/routes.js` -> products). */
function resourceOfRoute(registry: ReturnType<ReturnType<typeof openSources>['load']>, route: string, version: string): string | undefined {
  for (const declaration of registry.getImportDeclarations()) {
    const specifier = declaration.getNamedImports().find((named) => (named.getAliasNode()?.getText() ?? named.getName()) === route);
    if (!specifier) continue;
    const match = /^\.\.\/resources\/([^/]+)\/([^/]+)\/routes\.js$/.exec(declaration.getModuleSpecifierValue());
    return match && match[2] === version ? match[1] : undefined;
  }
  return undefined;
}
