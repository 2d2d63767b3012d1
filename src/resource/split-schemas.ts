// The shape of a version's schemas.ts before defineFields, which projects made
// by 0.1.0 still have: the read schema, the write and patch schemas (a z.object,
// perhaps followed by a .transform onto the table's properties) and the
// presenter, each naming every field. add-resource no longer writes it; the field
// commands keep editing it (schema-edit.ts hands them here), and it is kept apart
// so that it can go whole once no supported project has it.
import { ensureKey, insertProperty, keyOf, keysOf, removeKey, removeProperty, renameKey, unparen } from '../edit/object-items.js';
import { AnchorError } from '../edit/registry.js';
import {
  Node,
  SyntaxKind,
  type Expression,
  type ObjectLiteralElementLike,
  type ObjectLiteralExpression,
  type SourceFile,
} from '../edit/ts-morph.js';
import type { FieldSource } from './schema-edit.js';

/** `.transform((body) => ({ prop: body.name }))` or `.transform(({ name }) => ({ prop: name }))` */
interface Transform {
  readonly result: ObjectLiteralExpression;
  /** `body` for `(body) => ...`; undefined for a destructuring parameter */
  readonly param?: string;
  readonly binding?: Node;
}

/** A write or patch schema: the object of its fields and the transform after it, if any. */
interface InputSchema {
  readonly name: string;
  readonly object: ObjectLiteralExpression;
  readonly transform?: Transform;
}

export interface SplitParts {
  readonly read: ObjectLiteralExpression;
  readonly write: InputSchema;
  /** undefined when the patch schema is the write schema's `.partial()`: it follows the write schema */
  readonly patch?: InputSchema;
  /** the object the presenter returns */
  readonly present: ObjectLiteralExpression;
}

/** `<camel>Read`, `<camel>Write`, `<camel>Patch` and `present` in `file`; `missing` says what is not there. */
export function splitParts(file: SourceFile, camel: string, missing: (what: string) => never): SplitParts {
  const initializer = (name: string) => file.getVariableDeclaration(name)?.getInitializer() ?? missing(`\`export const ${name} = ...\``);

  const read = zodObject(initializer(`${camel}Read`)).object ?? missing(`\`${camel}Read = z.object({ ... })\``);
  const write =
    inputSchema(`${camel}Write`, initializer(`${camel}Write`)) ??
    missing(`\`${camel}Write = z.object({ ... })\` (optionally with .transform)`);
  const patchInit = initializer(`${camel}Patch`);
  const derived = patchInit.getText().replace(/\s/g, '') === `${camel}Write.partial()`;
  const patch = derived
    ? undefined
    : (inputSchema(`${camel}Patch`, patchInit) ?? missing(`\`${camel}Patch = z.object({ ... })\` or \`${camel}Write.partial()\``));
  const presentFn = file.getFunction('present') ?? missing('`export function present(row) { return { ... }; }`');
  const returned = presentFn
    .getDescendantsOfKind(SyntaxKind.ReturnStatement)
    .map((statement) => unparen(statement.getExpression()))
    .find((expression) => expression && Node.isObjectLiteralExpression(expression));
  const present = returned && Node.isObjectLiteralExpression(returned) ? returned : missing('`return { ... }` in present()');
  return { read, write, ...(patch ? { patch } : {}), present };
}

/** The table property the write schema fills from the field: its key itself without a transform, else the transform's mapping. */
export function splitWrittenProp(parts: SplitParts, name: string): string | undefined {
  const { transform } = parts.write;
  if (!transform) return keysOf(parts.write.object).includes(name) ? name : undefined;
  const { property } = mappingOf(transform, name);
  return property ? keyOf(property) : undefined;
}

/*
 * Each step below is given the parts found afresh (`find`): a text edit of the file
 * (how items are put in and taken out, keeping the user's layout) retires every node read before.
 */
type Step = (parts: SplitParts) => void;
type Find = () => SplitParts;

const INPUTS = ['write', 'patch'] as const;

function apply(find: Find, steps: readonly Step[]): void {
  for (const step of steps) step(find());
}

export function addSplitField(find: Find, field: FieldSource): void {
  apply(find, [
    // without a transform a key is its table property: a field whose property differs (unit_cost -> unitCost) needs
    // the mapping, or its value would never reach the column
    ...INPUTS.map((which): Step => (parts) => {
      const schema = parts[which];
      if (schema && !schema.transform && field.prop !== field.name && !keysOf(schema.object).includes(field.name)) {
        addTransform(parts, schema, `a field whose key is not its table property (${field.name} -> ${field.prop})`);
      }
    }),
    (parts) => ensureKey(parts.read, field.name, field.read, 'created_at'),
    (parts) => ensureKey(parts.present, field.name, field.present, 'created_at'),
    ...INPUTS.flatMap((which): Step[] => [
      (parts) => parts[which] && ensureKey(parts[which].object, field.name, which === 'write' ? field.write : field.patch),
      (parts) => parts[which]?.transform && ensureMapping(parts[which].transform, field.name, field.prop),
      (parts) => parts[which]?.transform && ensureBinding(parts[which].transform, field.name),
    ]),
  ]);
}

export function removeSplitField(find: Find, name: string): void {
  apply(find, [
    (parts) => removeKey(parts.read, name),
    (parts) => removeKey(parts.present, name),
    ...INPUTS.flatMap((which): Step[] => [
      (parts) => parts[which] && removeKey(parts[which].object, name),
      (parts) => parts[which]?.transform && removeMapping(parts[which].transform, name),
    ]),
  ]);
}

/** The field is called `to` in this version and still fills the same property of the table. */
export function renameSplitField(find: Find, from: string, to: string): void {
  apply(find, [
    // without a transform a field's key is its property: a renamed one needs a mapping back
    ...INPUTS.map((which): Step => (parts) => {
      const schema = parts[which];
      if (schema && !schema.transform && keysOf(schema.object).includes(from)) addTransform(parts, schema, 'a renamed field');
    }),
    (parts) => renameKey(parts.read, from, to),
    (parts) => renameKey(parts.present, from, to),
    ...INPUTS.flatMap((which): Step[] => [
      (parts) => parts[which]?.transform && keysOf(parts[which].object).includes(from) && renameMapping(parts[which].transform, from, to),
      (parts) => parts[which] && renameKey(parts[which].object, from, to),
    ]),
  ]);
}

function zodObject(expression: Expression | undefined): { object?: ObjectLiteralExpression; transform?: Transform } {
  let transform: Transform | undefined;
  let current = unparen(expression);
  while (current && Node.isCallExpression(current)) {
    const callee = current.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) break;
    const method = callee.getName();
    if (method === 'object' && callee.getExpression().getText() === 'z') {
      const argument = current.getArguments()[0];
      return { ...(argument && Node.isObjectLiteralExpression(argument) ? { object: argument } : {}), ...(transform ? { transform } : {}) };
    }
    if (method === 'transform' && !transform) transform = transformOf(current.getArguments()[0]);
    current = unparen(callee.getExpression());
  }
  return {};
}

function inputSchema(name: string, expression: Expression): InputSchema | undefined {
  const { object, transform } = zodObject(expression);
  return object ? { name, object, ...(transform ? { transform } : {}) } : undefined;
}

function transformOf(argument: Node | undefined): Transform | undefined {
  if (!argument || !Node.isArrowFunction(argument)) return undefined;
  const [parameter] = argument.getParameters();
  const body = unparen(argument.getBody() as Expression);
  if (!parameter || !body || !Node.isObjectLiteralExpression(body)) return undefined;
  const nameNode = parameter.getNameNode();
  return Node.isIdentifier(nameNode) ? { result: body, param: nameNode.getText() } : { result: body, binding: nameNode };
}

/** The transform's property filled from the field `name`, and the binding element naming it (destructuring form). */
function mappingOf(transform: Transform, name: string): { property?: ObjectLiteralElementLike; element?: Node; local: string } {
  let local = name;
  let element: Node | undefined;
  if (transform.binding && Node.isObjectBindingPattern(transform.binding)) {
    element = transform.binding
      .getElements()
      .find((candidate) => (candidate.getPropertyNameNode()?.getText() ?? candidate.getName()) === name);
    if (element && Node.isBindingElement(element)) local = element.getName();
  }
  const source = transform.param ? `${transform.param}.${name}` : local;
  const property = transform.result.getProperties().find((candidate) => {
    if (Node.isShorthandPropertyAssignment(candidate)) return !transform.param && candidate.getName() === source;
    return Node.isPropertyAssignment(candidate) && candidate.getInitializer()?.getText() === source;
  });
  return { ...(property ? { property } : {}), ...(element ? { element } : {}), local };
}

function ensureMapping(transform: Transform, name: string, prop: string): void {
  if (mappingOf(transform, name).property) return;
  if (transform.param) insertProperty(transform.result, `${prop}: ${transform.param}.${name}`);
  else if (transform.binding && Node.isObjectBindingPattern(transform.binding))
    insertProperty(transform.result, prop === name ? name : `${prop}: ${name}`);
}

/** `{ a, b }` => `{ a, b, name }` in a destructuring transform. */
function ensureBinding(transform: Transform, name: string): void {
  if (!transform.binding || !Node.isObjectBindingPattern(transform.binding) || mappingOf(transform, name).element) return;
  const elements = transform.binding.getElements().map((element) => element.getText());
  transform.binding.replaceWithText(`{ ${[...elements, name].join(', ')} }`);
}

function removeMapping(transform: Transform, name: string): void {
  const { property, element } = mappingOf(transform, name);
  // the binding first (a tree edit, which keeps the other nodes), then the property (a text edit)
  if (element && transform.binding && Node.isObjectBindingPattern(transform.binding)) {
    const rest = transform.binding
      .getElements()
      .filter((candidate) => candidate !== element)
      .map((candidate) => candidate.getText());
    transform.binding.replaceWithText(`{ ${rest.join(', ')} }`);
  }
  if (property && !property.wasForgotten()) removeProperty(property);
}

function renameMapping(transform: Transform, from: string, to: string): void {
  const { property, element, local } = mappingOf(transform, from);
  if (!property) return;
  if (transform.param) {
    (property as unknown as { getInitializer(): Node }).getInitializer().replaceWithText(`${transform.param}.${to}`);
    return;
  }
  // destructured: the element is renamed, and the property it filled keeps its name
  const propName = keyOf(property);
  if (Node.isShorthandPropertyAssignment(property)) property.replaceWithText(`${propName}: ${to}`);
  else (property as unknown as { getInitializer(): Node }).getInitializer().replaceWithText(to);
  if (element && local === from) element.replaceWithText(to);
}

/** `.transform((body) => ({ key: body.key, ... }))` after a schema that had none: each key was its own property. */
function addTransform(parts: SplitParts, schema: InputSchema, why: string): void {
  const file = schema.object.getSourceFile();
  const declaration = file.getVariableDeclarationOrThrow(schema.name);
  if (parts.patch === undefined && schema === parts.write) {
    throw new AnchorError(
      `${file.getFilePath().slice(1)}: ${schema.name.replace(/Write$/, 'Patch')} is ${schema.name}.partial(), which cannot follow ${why}; ` +
        `write it as its own z.object({ ... }) with each field .optional() and run the command again.`,
    );
  }
  const mapping = keysOf(schema.object).map((key) => `${key}: body.${key}`);
  declaration.setInitializer(`${declaration.getInitializerOrThrow().getText()}.transform((body) => ({ ${mapping.join(', ')} }))`);
}
