// One version's schemas.ts of a resource, as the field commands see it. Two shapes:
// - `<camel> = defineFields<Row>()({ name: { read, write }, ... })`, one line a field
//   (what add-resource writes since defineFields);
// - the split one of projects made before it: the read schema, the write and patch
//   schemas (a z.object, perhaps followed by a .transform onto the table's
//   properties) and the presenter, each naming every field.
// Each edit is idempotent: a field already there (or already gone) is left as it is.
import { insertProperty, removeProperty } from '../edit/object-items.js';
import { AnchorError } from '../edit/registry.js';
import {
  Node,
  SyntaxKind,
  type Expression,
  type ObjectLiteralElementLike,
  type ObjectLiteralExpression,
  type SourceFile,
} from '../edit/ts-morph.js';
import { propOf } from './fields.js';

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

interface Common {
  readonly file: SourceFile;
  /** the resource's camelCase name, which its schemas are named by */
  readonly camel: string;
  /** the `fields` of `<camel>List = defineList({ fields: { ... } })`; undefined in a version written before lists were declared */
  readonly list?: ObjectLiteralExpression;
}

/** `<camel> = defineFields<Row>()({ ... })`: the object of its fields, one entry each. */
export interface FieldsSchemas extends Common {
  readonly fields: ObjectLiteralExpression;
}

/** The shape before defineFields: a read, a write and a patch schema and a presenter. */
export interface SplitSchemas extends Common {
  readonly read: ObjectLiteralExpression;
  readonly write: InputSchema;
  /** undefined when the patch schema is the write schema's `.partial()`: it follows the write schema */
  readonly patch?: InputSchema;
  /** the object the presenter returns */
  readonly present: ObjectLiteralExpression;
}

export type VersionSchemas = FieldsSchemas | SplitSchemas;

export const isFields = (schemas: VersionSchemas): schemas is FieldsSchemas => 'fields' in schemas;

/**
 * Finds the parts of `file`: the resource's `<camel> = defineFields<Row>()({ ... })`, or else its `<camel>Read`,
 * `<camel>Write`, `<camel>Patch` and `present`; or says what is missing.
 */
export function versionSchemas(file: SourceFile, camel: string): VersionSchemas {
  const where = file.getFilePath().slice(1);
  const missing = (what: string): never => {
    throw new AnchorError(
      `${where} has no ${what}, which the field commands edit; restore that shape (a file add-resource writes shows it) or make the change by hand.`,
    );
  };
  const list = listFields(file.getVariableDeclaration(`${camel}List`)?.getInitializer());
  // a `<camel>` of another kind (the owner's own constant in a split-shape file) leaves the split shape to be found
  const declared = file.getVariableDeclaration(camel);
  if (declared?.getInitializer()?.getText().includes('defineFields')) {
    const fields = fieldsObject(declared.getInitializer()) ?? missing(`\`${camel} = defineFields<Row>()({ ... })\``);
    return { file, camel, fields, ...(list ? { list } : {}) };
  }
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
  return { file, camel, read, write, ...(patch ? { patch } : {}), present, ...(list ? { list } : {}) };
}

/** `defineFields<Row>()({ ... })`'s object. */
function fieldsObject(expression: Expression | undefined): ObjectLiteralExpression | undefined {
  const call = unparen(expression);
  if (!call || !Node.isCallExpression(call)) return undefined;
  const inner = unparen(call.getExpression());
  if (!inner || !Node.isCallExpression(inner) || inner.getExpression().getText() !== 'defineFields') return undefined;
  const argument = unparen(call.getArguments()[0]);
  return argument && Node.isObjectLiteralExpression(argument) ? argument : undefined;
}

/** `defineList({ fields: { ... } })`'s fields object. */
function listFields(expression: Expression | undefined): ObjectLiteralExpression | undefined {
  const call = unparen(expression);
  const argument = call && Node.isCallExpression(call) ? call.getArguments()[0] : undefined;
  if (!argument || !Node.isObjectLiteralExpression(argument)) return undefined;
  const fields = findKey(argument, 'fields');
  const object = fields && Node.isPropertyAssignment(fields) ? unparen(fields.getInitializer()) : undefined;
  return object && Node.isObjectLiteralExpression(object) ? object : undefined;
}

/** The fields the version's list declares (filters, search or ordering on them). */
export function listKeys(schemas: VersionSchemas): string[] {
  return schemas.list ? keysOf(schemas.list) : [];
}

/** The list declaration of one field, as written (`{ column: ..., filter: [...] }`), or undefined. */
export function listEntry(schemas: VersionSchemas, name: string): string | undefined {
  const property = schemas.list && findKey(schemas.list, name);
  return property && Node.isPropertyAssignment(property) ? property.getInitializer()?.getText() : undefined;
}

/** The field's list declaration set to `declaration` (in its place, or a new one above created_at), or taken out when undefined. */
export function setListEntry(schemas: VersionSchemas, name: string, declaration: string | undefined): VersionSchemas {
  return run(schemas, [
    (parts) => {
      const property = parts.list && findKey(parts.list, name);
      if (declaration === undefined) return property && removeProperty(property);
      if (property && Node.isPropertyAssignment(property)) property.getInitializerOrThrow().replaceWithText(declaration);
      else if (parts.list) ensureKey(parts.list, name, declaration, 'created_at');
    },
  ]);
}

/** The keys a client reads. */
export function readKeys(schemas: VersionSchemas): string[] {
  return keysOf(isFields(schemas) ? schemas.fields : schemas.read);
}

/** The keys a client may write. */
export function writeKeys(schemas: VersionSchemas): string[] {
  if (!isFields(schemas)) return keysOf(schemas.write.object);
  // an entry that is not written out (`name: sharedName`) may be written too, as far as we can tell
  return keysOf(schemas.fields).filter((key) => {
    const entry = entryOf(schemas.fields, key);
    return !entry || findKey(entry, 'write') !== undefined;
  });
}

/** The `{ read, write, ... }` of a field in defineFields, when written out there. */
function entryOf(fields: ObjectLiteralExpression, key: string): ObjectLiteralExpression | undefined {
  const property = findKey(fields, key);
  const value = property && Node.isPropertyAssignment(property) ? unparen(property.getInitializer()) : undefined;
  return value && Node.isObjectLiteralExpression(value) ? value : undefined;
}

/** The row property a field of defineFields reads and writes: its `source`, else its name in camelCase. */
function sourceOf(fields: ObjectLiteralExpression, key: string): string {
  const source = entryOf(fields, key) && findKey(entryOf(fields, key)!, 'source');
  const value = source && Node.isPropertyAssignment(source) ? unparen(source.getInitializer()) : undefined;
  return value && Node.isStringLiteral(value) ? value.getLiteralValue() : propOf(key);
}

export interface FieldSource {
  readonly name: string;
  readonly prop: string;
  readonly read: string;
  readonly write: string;
  readonly patch: string;
  readonly present: string;
  /** its line in defineFields: `{ read: ..., write: ... }` */
  readonly entry: string;
}

/** The table property the write schema fills from the field: its key itself without a transform, else the transform's mapping. */
export function writtenProp(schemas: VersionSchemas, name: string): string | undefined {
  if (isFields(schemas)) return writeKeys(schemas).includes(name) ? sourceOf(schemas.fields, name) : undefined;
  const { transform } = schemas.write;
  if (!transform) return writeKeys(schemas).includes(name) ? name : undefined;
  const { property } = mappingOf(transform, name);
  return property ? keyOf(property) : undefined;
}

/*
 * Each step below finds its nodes afresh: a text edit of the file (how items are
 * put in and taken out, keeping the user's layout) retires every node read before.
 */
type Step<Parts extends VersionSchemas = SplitSchemas> = (parts: Parts) => void;

function run<Parts extends VersionSchemas>(schemas: Parts, steps: readonly Step<Parts>[]): VersionSchemas {
  for (const step of steps) step(versionSchemas(schemas.file, schemas.camel) as Parts);
  return versionSchemas(schemas.file, schemas.camel);
}

const INPUTS = ['write', 'patch'] as const;

export function addFieldTo(schemas: VersionSchemas, field: FieldSource): VersionSchemas {
  if (isFields(schemas)) {
    // a property other than the name's own needs saying (a name the table had under another property)
    const entry = field.prop === propOf(field.name) ? field.entry : field.entry.replace(/ }$/, `, source: '${field.prop}' }`);
    return run(schemas, [(parts) => ensureKey(parts.fields, field.name, entry, 'created_at')]);
  }
  return run(schemas, [
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

export function removeFieldFrom(schemas: VersionSchemas, name: string): VersionSchemas {
  if (isFields(schemas)) {
    return run(schemas, [(parts) => removeKey(parts.fields, name), (parts) => parts.list && removeKey(parts.list, name)]);
  }
  return run(schemas, [
    (parts) => removeKey(parts.read, name),
    (parts) => parts.list && removeKey(parts.list, name),
    (parts) => removeKey(parts.present, name),
    ...INPUTS.flatMap((which): Step[] => [
      (parts) => parts[which] && removeKey(parts[which].object, name),
      (parts) => parts[which]?.transform && removeMapping(parts[which].transform, name),
    ]),
  ]);
}

/** The field is called `to` in this version and still fills the same property of the table. */
export function renameFieldIn(schemas: VersionSchemas, from: string, to: string): VersionSchemas {
  if (isFields(schemas)) {
    return run(schemas, [
      // the renamed field still reads and writes its property: its entry names it unless the new name is its own
      (parts) => {
        if (!findKey(parts.fields, from)) return;
        const entry = entryOf(parts.fields, from);
        // a field declared elsewhere (`name: nameField`, `name,`) would read and write another property once renamed
        if (!entry) {
          if (propOf(to) === sourceOf(parts.fields, from)) return;
          throw new AnchorError(
            `${parts.file.getFilePath().slice(1)}: ${from} is not written out as { read, write } in ${parts.camel}'s defineFields, so its ` +
              `renamed entry could not say which property it still reads and writes; write it out there and run the command again.`,
          );
        }
        const source = sourceOf(parts.fields, from);
        const said = findKey(entry, 'source');
        if (source === propOf(to)) {
          if (said) removeProperty(said);
        } else if (!said) insertProperty(entry, `source: '${source}'`);
      },
      (parts) => renameKey(parts.fields, from, to),
      (parts) => parts.list && renameKey(parts.list, from, to),
    ]);
  }
  return run(schemas, [
    // without a transform a field's key is its property: a renamed one needs a mapping back
    ...INPUTS.map((which): Step => (parts) => {
      const schema = parts[which];
      if (schema && !schema.transform && keysOf(schema.object).includes(from)) addTransform(parts, schema, 'a renamed field');
    }),
    (parts) => renameKey(parts.read, from, to),
    (parts) => renameKey(parts.present, from, to),
    // the list's parameters follow the name (`?title__icontains=`); the column stays the same
    (parts) => parts.list && renameKey(parts.list, from, to),
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

function unparen(expression: Node | undefined): Expression | undefined {
  let current = expression;
  while (current && Node.isParenthesizedExpression(current)) current = current.getExpression();
  return current as Expression | undefined;
}

function keysOf(object: ObjectLiteralExpression): string[] {
  return object.getProperties().flatMap((property) => {
    if (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property)) return [keyOf(property)];
    return [];
  });
}

function keyOf(property: Node): string {
  const nameNode = (property as unknown as { getNameNode(): Node }).getNameNode();
  return Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
}

function findKey(object: ObjectLiteralExpression, key: string): ObjectLiteralElementLike | undefined {
  return object
    .getProperties()
    .find((property) => (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property)) && keyOf(property) === key);
}

/** `key: initializer`, before `before` when that key is there (a field goes above the timestamps), else last. */
function ensureKey(object: ObjectLiteralExpression, key: string, initializer: string, before?: string): void {
  if (findKey(object, key)) return;
  insertProperty(object, `${key}: ${initializer}`, before === undefined ? undefined : findKey(object, before));
}

function removeKey(object: ObjectLiteralExpression, key: string): void {
  const property = findKey(object, key);
  if (property) removeProperty(property);
}

function renameKey(object: ObjectLiteralExpression, from: string, to: string): void {
  if (findKey(object, to)) return;
  const property = findKey(object, from);
  if (!property) return;
  if (Node.isShorthandPropertyAssignment(property)) property.replaceWithText(`${to}: ${from}`);
  else (property as unknown as { getNameNode(): Node }).getNameNode().replaceWithText(to);
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
function addTransform(schemas: SplitSchemas, schema: InputSchema, why: string): void {
  const declaration = schemas.file.getVariableDeclarationOrThrow(schema.name);
  if (schemas.patch === undefined && schema === schemas.write) {
    throw new AnchorError(
      `${schemas.file.getFilePath().slice(1)}: ${schema.name.replace(/Write$/, 'Patch')} is ${schema.name}.partial(), which cannot follow ${why}; ` +
        `write it as its own z.object({ ... }) with each field .optional() and run the command again.`,
    );
  }
  const mapping = keysOf(schema.object).map((key) => `${key}: body.${key}`);
  declaration.setInitializer(`${declaration.getInitializerOrThrow().getText()}.transform((body) => ({ ${mapping.join(', ')} }))`);
}
