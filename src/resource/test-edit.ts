// A resource's generated test (test/<plural>.test.ts) kept in step with the
// field commands. The file tests one version (`const path = '/api/v1/...'`);
// add-field adds a test of the new field in its version (through that
// version's PATCH on a row the file's own helpers create), and a field renamed
// or removed in the file's version is renamed or removed in its assertions.
import { removeProperty } from '../edit/object-items.js';
import { ensureNamedImport } from '../edit/registry.js';
import { Node, SyntaxKind, type SourceFile } from '../edit/ts-morph.js';

export interface FieldTest {
  readonly version: string;
  /** the resource's URL segment: `products` */
  readonly plural: string;
  readonly name: string;
  /** a valid value, from a counter `i` */
  readonly sample: string;
  /** values the version must refuse with a 400 on the field */
  readonly invalid: readonly string[];
}

/** The version the file's `const path = '/api/vN/...'` names, if it has one. */
export function testedVersion(file: SourceFile): string | undefined {
  const path = file.getDescendantsOfKind(SyntaxKind.VariableDeclaration).find((declaration) => declaration.getName() === 'path');
  const value = path?.getInitializer();
  const text = value && (Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value)) ? value.getLiteralValue() : '';
  return /^\/api\/(v\d+)\//.exec(text)?.[1];
}

const titlePrefix = (version: string, name: string) => `${version}: ${name} `;

/**
 * A test of the field in its version, in the file's first describe block. It
 * needs that block's `create` and `payload` helpers (the generated test's own);
 * false when they are not there (a test written by hand), so the caller can say so.
 */
export function ensureFieldTest(file: SourceFile, test: FieldTest): boolean {
  const block = describeBlock(file);
  if (!block) return false;
  const declared = new Set(
    block.getVariableStatements().flatMap((statement) => statement.getDeclarations().map((declaration) => declaration.getName())),
  );
  if (!declared.has('create') || !declared.has('payload')) return false;
  const title = `${titlePrefix(test.version, test.name)}is written, read back and checked`;
  if (fieldTests(file, test.version, test.name).length > 0) return true;
  if (testedVersion(file) === test.version) addReadKey(file, test.name);

  const envelope = ensureNamedImport(file, 'envelope', './support/app.js');
  const auth = declared.has('token') ? ', token' : '';
  block.addStatements(`
it('${title}', async () => {
  const { id } = (await (await create(payload(1))).json()) as { id: number };
  const url = \`/api/${test.version}/${test.plural}/\${id}\`;
  const i = 1;
  const value = ${test.sample};
  const changed = await app.request(url, { method: 'PATCH', body: { ${test.name}: value }${auth} });
  expect(changed.status).toBe(200);
  expect(await changed.json()).toMatchObject({ ${test.name}: value });
  expect(await (await app.request(url${auth ? ', { token }' : ''})).json()).toMatchObject({ ${test.name}: value });
  for (const invalid of [${test.invalid.join(', ')}]) {
    const refused = await app.request(url, { method: 'PATCH', body: { ${test.name}: invalid }${auth} });
    expect(refused.status).toBe(400);
    expect(Object.keys((await ${envelope}(refused)).errors)).toEqual(['${test.name}']);
  }
});`);
  return true;
}

/** The field leaves the version's assertions: its own test, and (in a file testing that version) every key and value naming it. */
export function removeFieldTests(file: SourceFile, version: string, name: string): void {
  for (const test of fieldTests(file, version, name)) test.getParentIfKind(SyntaxKind.ExpressionStatement)?.remove();
  if (testedVersion(file) !== version) return;
  // one at a time, found afresh: a text edit retires the nodes read before it
  for (let node = namings(describeBlock(file), name)[0]; node; node = namings(describeBlock(file), name)[0]) {
    const parent = node.getParentOrThrow();
    if (Node.isPropertyAssignment(parent) || Node.isShorthandPropertyAssignment(parent)) removeProperty(parent);
    else if (Node.isStringLiteral(node) && Node.isArrayLiteralExpression(parent)) {
      // a row of it.each([...]) names the field first: the row goes; in a list of keys, the key goes
      const row = parent.getParent();
      if (parent.getElements()[0] === node && Node.isArrayLiteralExpression(row)) row.removeElement(parent);
      else parent.removeElement(node);
    } else break;
  }
}

/** The field is called `to` in the version's assertions. */
export function renameFieldTests(file: SourceFile, version: string, from: string, to: string): void {
  const whole = testedVersion(file) === version;
  const next = () =>
    [
      ...fieldTests(file, version, from).flatMap((test) => namings(test, from, true)),
      ...(whole ? namings(describeBlock(file), from) : []),
    ][0];
  for (let node = next(); node; node = next()) {
    const parent = node.getParentOrThrow();
    if (Node.isShorthandPropertyAssignment(parent)) parent.replaceWithText(`${to}: ${from}`);
    else if (Node.isStringLiteral(node)) node.setLiteralValue(to);
    else node.replaceWithText(to);
  }
  for (const test of fieldTests(file, version, from)) {
    const title = test.getArguments()[0];
    if (title && Node.isStringLiteral(title))
      title.setLiteralValue(title.getLiteralValue().replace(titlePrefix(version, from), titlePrefix(version, to)));
  }
  if (whole) sortReadKeys(file);
}

/** The `it(...)` calls add-field wrote for this field and version. */
function fieldTests(file: SourceFile, version: string, name: string) {
  return file.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => {
    const title = call.getArguments()[0];
    return (
      call.getExpression().getText() === 'it' &&
      title &&
      Node.isStringLiteral(title) &&
      title.getLiteralValue().startsWith(titlePrefix(version, name))
    );
  });
}

/** The body of the first `describe('...', () => { ... })`. */
function describeBlock(file: SourceFile) {
  const describe = file.getDescendantsOfKind(SyntaxKind.CallExpression).find((call) => call.getExpression().getText() === 'describe');
  const body = describe?.getArguments()[1];
  const block = body && (Node.isArrowFunction(body) || Node.isFunctionExpression(body)) ? body.getBody() : undefined;
  return block && Node.isBlock(block) ? block : undefined;
}

/**
 * Where the test names the field. In the field's own `it` (`anywhere`), every key and key list. In the rest of a
 * file testing the version, only the generated test's own places: the `payload()` body, a `payload(n).<field>`
 * and a key taken from one, the required-field errors, the read-keys list, the it.each rows and the unique list.
 * Other objects (a seed body for another resource, an envelope's `status` and `code`) are not the field's.
 */
function namings(scope: Node | undefined, name: string, anywhere = false): Node[] {
  if (!scope) return [];
  const file = scope.getSourceFile();
  const readKeys = readKeysList(file);
  return scope.getDescendants().filter((node) => {
    const parent = node.getParent();
    if (!parent) return false;
    if ((Node.isIdentifier(node) && node.getText() === name) || (Node.isStringLiteral(node) && node.getLiteralValue() === name)) {
      if ((Node.isPropertyAssignment(parent) && parent.getNameNode() === node) || Node.isShorthandPropertyAssignment(parent)) {
        return anywhere || isFieldObject(parent.getParentOrThrow(), parent);
      }
      if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === node)
        return parent.getExpression().getText().startsWith('payload(');
      if (Node.isStringLiteral(node) && Node.isArrayLiteralExpression(parent))
        return anywhere || parent === readKeys || isItEachRow(parent) || isLoopList(parent);
    }
    return false;
  });
}

/** The payload() body, the object a required-fields check compares `errors` to, or a key filled from payload(n). */
function isFieldObject(object: Node, property: Node): boolean {
  const initializer = Node.isPropertyAssignment(property) ? (property.getInitializer()?.getText() ?? '') : '';
  if (initializer.startsWith('payload(')) return true;
  const holder = object.getParent();
  if (holder && Node.isParenthesizedExpression(holder)) {
    const arrow = holder.getParent();
    const declaration = arrow && Node.isArrowFunction(arrow) ? arrow.getParent() : undefined;
    return declaration !== undefined && Node.isVariableDeclaration(declaration) && declaration.getName() === 'payload';
  }
  if (holder && Node.isCallExpression(holder)) {
    const callee = holder.getExpression();
    return (
      Node.isPropertyAccessExpression(callee) && callee.getName() === 'toEqual' && callee.getExpression().getText().endsWith('.errors)')
    );
  }
  return false;
}

/** A row of `it.each([['field', value], ...])`. */
function isItEachRow(row: Node): boolean {
  const table = row.getParent();
  const call = table?.getParent();
  return (
    table !== undefined &&
    Node.isArrayLiteralExpression(table) &&
    call !== undefined &&
    Node.isCallExpression(call) &&
    call.getExpression().getText() === 'it.each'
  );
}

/** The list of `for (const field of ['a', 'b'] as const)`. */
function isLoopList(list: Node): boolean {
  const holder = list.getParent();
  const loop = holder && Node.isAsExpression(holder) ? holder.getParent() : holder;
  return loop !== undefined && Node.isForOfStatement(loop);
}

/** `expect(Object.keys(body).sort()).toEqual([...])`: the list of keys a read returns. */
function readKeysList(file: SourceFile) {
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'toEqual') continue;
    if (!/^expect\(Object\.keys\(\w+\)\.sort\(\)\)$/.test(callee.getExpression().getText())) continue;
    const list = call.getArguments()[0];
    if (list && Node.isArrayLiteralExpression(list)) return list;
  }
  return undefined;
}

function addReadKey(file: SourceFile, name: string): void {
  const list = readKeysList(file);
  if (!list || list.getElements().some((element) => Node.isStringLiteral(element) && element.getLiteralValue() === name)) return;
  list.addElement(`'${name}'`);
  sortReadKeys(file);
}

function sortReadKeys(file: SourceFile): void {
  const list = readKeysList(file);
  if (!list) return;
  const keys = list.getElements().map((element) => (Node.isStringLiteral(element) ? element.getLiteralValue() : element.getText()));
  list.replaceWithText(
    `[${[...keys]
      .sort()
      .map((key) => `'${key}'`)
      .join(', ')}]`,
  );
}
