// A resource's table.ts as the field commands see it: the columns object of
// `export const <pluralCamel> = table('<name>', { ... })`.
import { insertProperty } from '../edit/object-items.js';
import { AnchorError, ensureNamedImport } from '../edit/registry.js';
import { Node, type ArrayLiteralExpression, type ObjectLiteralExpression, type SourceFile } from '../edit/ts-morph.js';

export interface TableColumns {
  readonly file: SourceFile;
  readonly pluralCamel: string;
  readonly columns: ObjectLiteralExpression;
}

export function tableColumns(file: SourceFile, pluralCamel: string): TableColumns {
  const call = file.getVariableDeclaration(pluralCamel)?.getInitializer();
  const columns = call && Node.isCallExpression(call) ? call.getArguments()[1] : undefined;
  if (!columns || !Node.isObjectLiteralExpression(columns)) {
    throw new AnchorError(
      `${file.getFilePath().slice(1)} has no \`export const ${pluralCamel} = table('...', { ...columns })\`, which add-field adds the column to; restore that shape or add the column by hand.`,
    );
  }
  return { file, pluralCamel, columns };
}

/** The column's builder (`int('stock').notNull().default(0)`), or undefined when the table has no such property. */
export function columnOf(table: TableColumns, prop: string): string | undefined {
  const property = table.columns.getProperties().find((candidate) => Node.isPropertyAssignment(candidate) && candidate.getName() === prop);
  return property && Node.isPropertyAssignment(property) ? property.getInitializerOrThrow().getText() : undefined;
}

/** Whether a row can be inserted without a value for the column: it takes NULL, or has a default. */
export function columnMayBeOmitted(builder: string): boolean {
  return !/\.notNull\(\)/.test(builder) || /\.(default|\$default|\$defaultFn)\(/.test(builder);
}

/** `prop: builder` above the timestamps, with the db/columns.ts helpers it uses imported. */
export function ensureColumn(table: TableColumns, prop: string, builder: string, helpers: readonly string[]): void {
  if (columnOf(table, prop) !== undefined) return;
  for (const helper of helpers) ensureNamedImport(table.file, helper, '../../db/columns.js');
  // the imports were a text edit: the columns are found again
  const { columns } = tableColumns(table.file, table.pluralCamel);
  const createdAt = columns.getProperties().find((property) => Node.isPropertyAssignment(property) && property.getName() === 'createdAt');
  insertProperty(columns, `${prop}: ${builder}`, createdAt);
}

/**
 * `index('<name>').on(<on>)` in the table's index list (`(t) => [ ... ]`), with the helpers it uses imported; a table
 * that has it already is left as it is. Returns whether it was added (a migration is needed).
 */
export function ensureIndex(table: TableColumns, name: string, on: string, helpers: readonly string[]): boolean {
  const indexes = indexList(table);
  if (indexes.getElements().some((element) => element.getText().includes(`'${name}'`))) return false;
  for (const helper of ['index', ...helpers]) ensureNamedImport(table.file, helper, '../../db/columns.js');
  // the imports were a text edit: the list is found again
  indexList(table).addElement(`index('${name}').on(${on})`);
  return true;
}

function indexList(table: TableColumns): ArrayLiteralExpression {
  const call = table.file.getVariableDeclaration(table.pluralCamel)?.getInitializer();
  const extra = call && Node.isCallExpression(call) ? call.getArguments()[2] : undefined;
  const body = extra && Node.isArrowFunction(extra) ? extra.getBody() : undefined;
  const list = body && Node.isParenthesizedExpression(body) ? body.getExpression() : body;
  if (!list || !Node.isArrayLiteralExpression(list)) {
    throw new AnchorError(
      `${table.file.getFilePath().slice(1)} has no \`(t) => [ ...indexes ]\` after the columns of ${table.pluralCamel}, which the ordering's index goes into; restore that shape or add the index by hand.`,
    );
  }
  return list;
}
