// A resource's table.ts as the field commands see it: the columns object of
// `export const <pluralCamel> = table('<name>', { ... })`.
import { insertProperty } from '../edit/object-items.js';
import { AnchorError, ensureNamedImport } from '../edit/registry.js';
import { Node, type ObjectLiteralExpression, type SourceFile } from '../edit/ts-morph.js';

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
