// A resource's schemas and routes of one version copied into another, as the
// new version's own declarations (not re-exports), so it can change freely
// while the old version's contract stays as released.
import { Node, type SourceFile } from '../edit/ts-morph.js';
import type { ChangeSet } from '../edit/changes.js';
import { ensureNamedImport, ensureVersionRoute } from '../edit/registry.js';
import type { Sources } from '../edit/source.js';
import { UsageError } from '../errors.js';

export interface VersionCopy {
  readonly changes: ChangeSet;
  readonly sources: Sources;
  readonly registry: SourceFile;
  /** the resource's folder name: `products` */
  readonly resource: string;
  readonly from: string;
  readonly to: string;
}

/** Plans the copy and its registration; returns the route factory's name in the new version. */
export async function planVersionCopy(copy: VersionCopy): Promise<string> {
  const { changes, sources, registry, resource, from, to } = copy;
  const folder = `src/resources/${resource}`;
  const read = async (file: string) => {
    const text = await changes.current(`${folder}/${from}/${file}`);
    if (text === null) throw new UsageError(`${folder}/${from}/${file} does not exist: ${resource} has no ${from} to copy from.`);
    return text;
  };

  // there already (an earlier add-version --from, say): only make sure it is registered
  const [schemasThere, routesThere] = [
    await changes.current(`${folder}/${to}/schemas.ts`),
    await changes.current(`${folder}/${to}/routes.ts`),
  ];
  if (schemasThere !== null && routesThere !== null) {
    const routes = sources.load(`${folder}/${to}/routes.ts`, routesThere);
    const name = routes
      .getVariableStatements()
      .find((statement) => statement.isExported())
      ?.getDeclarations()[0]
      ?.getName();
    if (!name)
      throw new UsageError(
        `${folder}/${to}/routes.ts exports no route factory to register; export one (\`export const ${resource}${to.toUpperCase()} = ...\`).`,
      );
    ensureVersionRoute(registry, to, ensureNamedImport(registry, name, `../resources/${resource}/${to}/routes.js`));
    return name;
  }
  if (schemasThere !== null || routesThere !== null) {
    throw new UsageError(
      `${folder}/${to}/ holds only one of schemas.ts and routes.ts; restore the other or remove the folder, then run the command again.`,
    );
  }

  const schemas = sources.load(`${folder}/${to}/schemas.ts`, await read('schemas.ts'));
  retellVersion(schemas, from, to);
  changes.create(`${folder}/${to}/schemas.ts`, schemas.getFullText());

  const routes = sources.load(`${folder}/${to}/routes.ts`, await read('routes.ts'));
  retellVersion(routes, from, to);
  const factory = routes
    .getVariableStatements()
    .find((statement) => statement.isExported())
    ?.getDeclarations()[0];
  if (!factory)
    throw new UsageError(
      `${folder}/${from}/routes.ts exports no route factory (\`export const ${resource}${from.toUpperCase()} = ...\`) to copy.`,
    );
  const suffix = from.toUpperCase();
  const oldName = factory.getName();
  const name = oldName.endsWith(suffix) ? `${oldName.slice(0, -suffix.length)}${to.toUpperCase()}` : `${oldName}${to.toUpperCase()}`;
  factory.getNameNode().replaceWithText(name);
  changes.create(`${folder}/${to}/routes.ts`, routes.getFullText());

  const local = ensureNamedImport(registry, name, `../resources/${resource}/${to}/routes.js`);
  ensureVersionRoute(registry, to, local);
  return name;
}

/** Doc comments that name the old version (`v1 read schema`, `/api/v1/products`) name the new one. */
function retellVersion(file: SourceFile, from: string, to: string): void {
  const word = new RegExp(`\\b${from}\\b`, 'g');
  for (const node of file.getDescendants()) {
    if (!Node.isJSDocable(node)) continue;
    for (const doc of node.getJsDocs()) {
      const description = doc.getDescription();
      if (word.test(description)) doc.setDescription(description.replace(word, to).trim());
      word.lastIndex = 0;
    }
  }
}
