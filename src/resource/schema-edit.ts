// One version's schemas.ts of a resource, as the field commands see it. Two shapes:
// - `<camel> = defineFields<Row>()({ name: { read, write }, ... })`, one line a field
//   (what add-resource writes since defineFields): edited here;
// - the split one of projects made before it (a read, a write and a patch schema
//   and a presenter, each naming every field): edited by split-schemas.ts.
// The list declaration (`<camel>List = defineList(...)`) is the same in both.
// Each edit is idempotent: a field already there (or already gone) is left as it is.
import { ensureKey, findKey, insertProperty, keysOf, removeKey, removeProperty, renameKey, unparen } from '../edit/object-items.js';
import { AnchorError } from '../edit/registry.js';
import { Node, type Expression, type ObjectLiteralExpression, type SourceFile } from '../edit/ts-morph.js';
import { propOf } from './fields.js';
import { addSplitField, removeSplitField, renameSplitField, splitParts, splitWrittenProp, type SplitParts } from './split-schemas.js';

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
export type SplitSchemas = Common & SplitParts;

export type VersionSchemas = FieldsSchemas | SplitSchemas;

export const isFields = (schemas: VersionSchemas): schemas is FieldsSchemas => 'fields' in schemas;

/** What the field commands need and `file` lacks, as an error saying how to go on. */
function missingIn(file: SourceFile): (what: string) => never {
  return (what) => {
    throw new AnchorError(
      `${file.getFilePath().slice(1)} has no ${what}, which the field commands edit; restore that shape (a file add-resource writes shows it) or make the change by hand.`,
    );
  };
}

/**
 * Finds the parts of `file`: the resource's `<camel> = defineFields<Row>()({ ... })`, or else its `<camel>Read`,
 * `<camel>Write`, `<camel>Patch` and `present`; or says what is missing.
 */
export function versionSchemas(file: SourceFile, camel: string): VersionSchemas {
  const missing = missingIn(file);
  const list = listFields(file.getVariableDeclaration(`${camel}List`)?.getInitializer());
  const common = { file, camel, ...(list ? { list } : {}) };
  // a `<camel>` of another kind (the owner's own constant in a split-shape file) leaves the split shape to be found
  const declared = file.getVariableDeclaration(camel);
  if (declared?.getInitializer()?.getText().includes('defineFields')) {
    const fields = fieldsObject(declared.getInitializer()) ?? missing(`\`${camel} = defineFields<Row>()({ ... })\``);
    return { ...common, fields };
  }
  return { ...common, ...splitParts(file, camel, missing) };
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
  if (!isFields(schemas)) return splitWrittenProp(schemas, name);
  return writeKeys(schemas).includes(name) ? sourceOf(schemas.fields, name) : undefined;
}

/*
 * Each step below finds its nodes afresh: a text edit of the file (how items are
 * put in and taken out, keeping the user's layout) retires every node read before.
 */
type Step = (parts: VersionSchemas) => void;

function run(schemas: VersionSchemas, steps: readonly Step[]): VersionSchemas {
  for (const step of steps) step(versionSchemas(schemas.file, schemas.camel));
  return versionSchemas(schemas.file, schemas.camel);
}

/** The defineFields object found afresh, for a step that edits it. */
const fieldsOf = (parts: VersionSchemas) => (parts as FieldsSchemas).fields;

/** The split shape's parts found afresh, for split-schemas.ts' steps. */
const splitOf = (schemas: VersionSchemas) => () => splitParts(schemas.file, schemas.camel, missingIn(schemas.file));

export function addFieldTo(schemas: VersionSchemas, field: FieldSource): VersionSchemas {
  if (!isFields(schemas)) {
    addSplitField(splitOf(schemas), field);
    return versionSchemas(schemas.file, schemas.camel);
  }
  // a property other than the name's own needs saying (a name the table had under another property)
  const entry = field.prop === propOf(field.name) ? field.entry : field.entry.replace(/ }$/, `, source: '${field.prop}' }`);
  return run(schemas, [(parts) => ensureKey(fieldsOf(parts), field.name, entry, 'created_at')]);
}

export function removeFieldFrom(schemas: VersionSchemas, name: string): VersionSchemas {
  if (isFields(schemas)) run(schemas, [(parts) => removeKey(fieldsOf(parts), name)]);
  else removeSplitField(splitOf(schemas), name);
  return run(schemas, [(parts) => parts.list && removeKey(parts.list, name)]);
}

/** The field is called `to` in this version and still fills the same property of the table. */
export function renameFieldIn(schemas: VersionSchemas, from: string, to: string): VersionSchemas {
  if (isFields(schemas)) {
    run(schemas, [
      // the renamed field still reads and writes its property: its entry names it unless the new name is its own
      (parts) => {
        const fields = fieldsOf(parts);
        if (!findKey(fields, from)) return;
        const entry = entryOf(fields, from);
        // a field declared elsewhere (`name: nameField`, `name,`) would read and write another property once renamed
        if (!entry) {
          if (propOf(to) === sourceOf(fields, from)) return;
          throw new AnchorError(
            `${parts.file.getFilePath().slice(1)}: ${from} is not written out as { read, write } in ${parts.camel}'s defineFields, so its ` +
              `renamed entry could not say which property it still reads and writes; write it out there and run the command again.`,
          );
        }
        const source = sourceOf(fields, from);
        const said = findKey(entry, 'source');
        if (source === propOf(to)) {
          if (said) removeProperty(said);
        } else if (!said) insertProperty(entry, `source: '${source}'`);
      },
      (parts) => renameKey(fieldsOf(parts), from, to),
    ]);
  } else renameSplitField(splitOf(schemas), from, to);
  // the list's parameters follow the name (`?title__icontains=`); the column stays the same
  return run(schemas, [(parts) => parts.list && renameKey(parts.list, from, to)]);
}
