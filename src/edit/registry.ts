// Idempotent edits of the generated project's registries, on syntax trees.
// Each ensureX does nothing when its thing is there already, and fails with a
// fix hint when its anchor is gone; none touches anything else in the file.
import {
  Node,
  SyntaxKind,
  type ArrayLiteralExpression,
  type Expression,
  type ObjectLiteralExpression,
  type PropertyAssignment,
  type SourceFile,
} from './ts-morph.js';
import { UsageError } from '../errors.js';
import { oldestFirst } from '../project/versions.js';

/** An anchor the command needs is missing: says what it looked for and how to restore it. */
export class AnchorError extends UsageError {}

/**
 * `import { name } from 'from'`, unless the file imports it already (perhaps
 * renamed). Returns the local name to use, which is the user's alias if any.
 */
export function ensureNamedImport(file: SourceFile, name: string, from: string): string {
  for (const declaration of file.getImportDeclarations()) {
    if (declaration.getModuleSpecifierValue() !== from) continue;
    const existing = declaration.getNamedImports().find((specifier) => specifier.getName() === name);
    if (existing) return existing.getAliasNode()?.getText() ?? name;
  }
  if (
    file.getImportDeclarations().some((declaration) => declaration.getNamedImports().some((specifier) => localName(specifier) === name))
  ) {
    throw new UsageError(`${file.getBaseName()} imports another "${name}" already; rename that import so ${from}'s can be added.`);
  }
  const same = file
    .getImportDeclarations()
    .find(
      (declaration) => declaration.getModuleSpecifierValue() === from && !declaration.isTypeOnly() && !declaration.getNamespaceImport(),
    );
  const line = `import { ${name} } from '${from}';`;
  if (same) same.addNamedImport(name);
  else {
    const last = file.getImportDeclarations().at(-1);
    if (last) insertLineAfter(file, last, line);
    else file.insertText(0, `${line}\n`);
  }
  return name;
}

/**
 * `line` as a line of its own after `node`'s, below any comment the user wrote
 * at the end of that line (ts-morph's statement insertion drops such a comment).
 */
function insertLineAfter(file: SourceFile, node: Node, line: string): void {
  const text = file.getFullText();
  const newline = endOfLineAfter(text, node);
  if (newline === -1) file.insertText(text.length, `\n${line}\n`);
  else file.insertText(newline + 1, `${line}\n`);
}

/** Where the line holding `node`'s end ends (-1: the file ends first), past any comment after it, even one running on. */
function endOfLineAfter(text: string, node: Node): number {
  const end = Math.max(node.getEnd(), ...node.getTrailingCommentRanges().map((range) => range.getEnd()));
  return text.indexOf('\n', end);
}

const localName = (specifier: { getName(): string; getAliasNode(): Node | undefined }) =>
  specifier.getAliasNode()?.getText() ?? specifier.getName();

/** `export * from 'from'` (the table index), after the other exports. */
export function ensureExportStar(file: SourceFile, from: string): void {
  const exports = file.getExportDeclarations();
  if (exports.some((declaration) => declaration.getModuleSpecifierValue() === from && !declaration.hasNamedExports())) return;
  const line = `export * from '${from}';`;
  const last = exports.at(-1) ?? file.getStatements().at(-1);
  if (last) insertLineAfter(file, last, line);
  else file.insertText(file.getEnd(), `${line}\n`);
}

/** The object literal of `export const registry = { ... }`, through any `satisfies`/`as`. */
export function registryObject(file: SourceFile): ObjectLiteralExpression {
  const declaration = file.getVariableDeclaration('registry');
  const object = declaration && unwrap(declaration.getInitializer());
  if (!object || !Node.isObjectLiteralExpression(object)) {
    throw new AnchorError(
      `${file.getFilePath().slice(1)} has no \`export const registry = { defaultVersion, versions: { v1: [...] }, deprecated: {} }\`; ` +
        'create-prod-api adds routes there. Restore it (a freshly generated project shows its shape) and run the command again.',
    );
  }
  return object;
}

/** `versions: { ... }` (or `deprecated: { ... }`) inside the registry. */
function registrySection(file: SourceFile, section: 'versions' | 'deprecated'): ObjectLiteralExpression {
  const registry = registryObject(file);
  const property = findProperty(registry, section);
  const object = property && unwrap(property.getInitializer());
  if (!object || !Node.isObjectLiteralExpression(object)) {
    throw new AnchorError(
      `${file.getFilePath().slice(1)}: the registry has no \`${section}: { ... }\` object literal; restore it (e.g. \`${section}: {}\`) and run the command again.`,
    );
  }
  return object;
}

/** The versions the registry serves, in its order. */
export function registryVersions(file: SourceFile): string[] {
  return registrySection(file, 'versions')
    .getProperties()
    .filter(Node.isPropertyAssignment)
    .map((property) => propertyName(property));
}

/** The versions named in the registry's `deprecated` object. */
export function registryDeprecated(file: SourceFile): string[] {
  return registrySection(file, 'deprecated')
    .getProperties()
    .filter(Node.isPropertyAssignment)
    .map((property) => propertyName(property));
}

/** Where new work goes by default: the newest version that is not deprecated (the newest of all if every one is). */
export function newestCurrentVersion(file: SourceFile): string {
  const deprecated = new Set(registryDeprecated(file));
  const versions = oldestFirst(registryVersions(file));
  return versions.filter((version) => !deprecated.has(version)).at(-1) ?? versions.at(-1) ?? 'v1';
}

/** The identifiers in one version's route list. */
export function versionRoutes(file: SourceFile, version: string): string[] {
  return versionList(file, version)
    .getElements()
    .map((element) => element.getText());
}

/** A usage error unless the registry serves `version`. */
export function assertKnownVersion(file: SourceFile, version: string): void {
  const versions = registryVersions(file);
  if (!versions.includes(version)) {
    throw new UsageError(
      `Unknown version ${version}: the registry serves ${versions.join(', ')}. Add it with \`create-prod-api add-version ${version}\`.`,
    );
  }
}

function versionList(file: SourceFile, version: string): ArrayLiteralExpression {
  assertKnownVersion(file, version);
  const property = findProperty(registrySection(file, 'versions'), version)!;
  const list = unwrap(property.getInitializer());
  if (!list || !Node.isArrayLiteralExpression(list)) {
    throw new AnchorError(
      `${file.getFilePath().slice(1)}: registry version ${version} is not an array literal of routes (\`${version}: [...]\`); restore that form and run the command again.`,
    );
  }
  return list;
}

/** `identifier` in the version's route list, at its end. */
export function ensureVersionRoute(file: SourceFile, version: string, identifier: string): void {
  const list = versionList(file, version);
  const elements = list.getElements();
  if (elements.some((element) => element.getText() === identifier)) return;
  if (elements.length === 0) list.addElement(identifier);
  else appendItem(file, list, elements.at(-1)!, identifier);
}

/**
 * `item` after `last`, the last element of an array or property of an object literal, by hand: ts-morph's
 * addElement/addPropertyAssignment rewrite everything from the last item to the bracket (comments there included)
 * and reflow a one-line literal. Written in the list's own layout: on one line, or one item per line.
 */
function appendItem(file: SourceFile, list: ArrayLiteralExpression | ObjectLiteralExpression, last: Node, item: string): void {
  const items = list.getFirstChildByKindOrThrow(SyntaxKind.SyntaxList);
  const comma = items.getLastChild();
  const trailingComma = comma?.getKind() === SyntaxKind.CommaToken;
  const text = file.getFullText();
  // positions are read before any insert: an insert replaces the tree's nodes
  const lastEnd = last.getEnd();
  const lineEnd = endOfLineAfter(text, trailingComma ? comma! : last);
  const onePerLine = text.slice(list.getStart(), last.getStart()).includes('\n') && lineEnd !== -1 && list.getEnd() > lineEnd;
  if (!onePerLine) {
    file.insertText(trailingComma ? items.getEnd() : lastEnd, trailingComma ? ` ${item},` : `, ${item}`);
    return;
  }
  // on a line of its own below the last item's (and any comment after it), indented as that line is
  const lineStart = text.lastIndexOf('\n', last.getStart()) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, last.getStart()))![0];
  file.insertText(lineEnd + 1, `${indent}${item},\n`);
  if (!trailingComma) file.insertText(lastEnd, ',');
}

/** `version: []` in the registry's versions, after the others. */
export function ensureVersion(file: SourceFile, version: string): void {
  const versions = registrySection(file, 'versions');
  if (findProperty(versions, version)) return;
  addProperty(file, versions, version, '[]');
}

export interface DeprecationEntry {
  readonly since: string;
  readonly sunset: string;
  readonly successor: string;
}

/** `deprecated: { v1: { since, sunset, successor } }`, replacing an older entry for the version. */
export function ensureDeprecation(file: SourceFile, version: string, entry: DeprecationEntry): void {
  const deprecated = registrySection(file, 'deprecated');
  const initializer = `{ since: '${entry.since}', sunset: '${entry.sunset}', successor: '${entry.successor}' }`;
  const existing = findProperty(deprecated, version);
  if (existing) {
    if (existing.getInitializer()?.getText().replace(/\s+/g, ' ') === initializer) return;
    existing.setInitializer(initializer);
    return;
  }
  addProperty(file, deprecated, version, initializer);
}

function addProperty(file: SourceFile, object: ObjectLiteralExpression, name: string, initializer: string): void {
  const last = object.getProperties().at(-1);
  if (last) appendItem(file, object, last, `${name}: ${initializer}`);
  else object.addPropertyAssignment({ name, initializer }); // an empty `{}`: no layout of the user's to keep
}

function findProperty(object: ObjectLiteralExpression, name: string): PropertyAssignment | undefined {
  return object
    .getProperties()
    .filter(Node.isPropertyAssignment)
    .find((property) => propertyName(property) === name);
}

/** `v1`, `'v1'` and `"v1"` are the same key. */
function propertyName(property: PropertyAssignment): string {
  const nameNode = property.getNameNode();
  return Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
}

/** `x satisfies T`, `x as T` and `(x)` are x. */
function unwrap(expression: Expression | undefined): Expression | undefined {
  let current = expression;
  while (current && (Node.isSatisfiesExpression(current) || Node.isAsExpression(current) || Node.isParenthesizedExpression(current))) {
    current = current.getExpression();
  }
  return current?.getKind() === SyntaxKind.Identifier ? undefined : current;
}
