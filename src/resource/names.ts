// One resource, every spelling: `order-item`, `orderItem` and `OrderItems` all
// name the same thing, and each file needs its own form of it.
import pluralize from 'pluralize';
import { UsageError } from '../errors.js';

export interface ResourceNames {
  /** order-item */
  readonly kebab: string;
  /** order-items: the folder and the URL path segment */
  readonly pluralKebab: string;
  /** order_items: the table */
  readonly table: string;
  /** orderItems: the table's constant and the route factory's stem */
  readonly pluralCamel: string;
  /** orderItem: schema names (orderItemRead) */
  readonly camel: string;
  /** OrderItem: types and classes (OrderItemRow, OrderItemService) */
  readonly pascal: string;
}

// Names the generated project uses already, or that would shadow its own folders and routes.
const RESERVED = new Set([
  'api',
  'auth',
  'token',
  'tokens',
  'me',
  'user',
  'health',
  'docs',
  'openapi',
  'core',
  'db',
  'cli',
  'adapters',
  'resources',
  'test',
  'config',
  'app',
  'server',
  'version',
  'versions',
  'schema',
  'migration',
  'migrations',
  // what a version's schemas.ts imports, beside the resource's `<singular> = defineFields(...)`
  'z',
  'decimal',
  'decimalText',
  'instant',
  'defineFields',
  'defineList',
  // JavaScript keywords: the names become identifiers
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'let',
  'static',
  'await',
  'implements',
  'interface',
  'package',
  'private',
  'protected',
  'public',
  'object',
  'string',
  'number',
  'date',
  'error',
]);

/** The words of a name written in kebab, snake, camel or Pascal case. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function resourceNames(given: string): ResourceNames {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(given)) {
    throw new UsageError(`Invalid resource name "${given}": use letters, digits and dashes, starting with a letter (e.g. order-item).`);
  }
  const all = words(given);
  // the last word carries the number: order-items -> order-item
  const singular = [...all.slice(0, -1), pluralize.singular(all.at(-1)!)];
  const plural = [...all.slice(0, -1), pluralize.plural(all.at(-1)!)];
  const kebab = singular.join('-');
  if (plural.join('-') === kebab) {
    throw new UsageError(`Resource name "${given}" has the same singular and plural ("${kebab}"); choose a countable noun.`);
  }
  const camelOf = (parts: string[]) => parts[0] + parts.slice(1).map(capitalise).join('');
  const names: ResourceNames = {
    kebab,
    pluralKebab: plural.join('-'),
    table: plural.join('_'),
    pluralCamel: camelOf(plural),
    camel: camelOf(singular),
    pascal: singular.map(capitalise).join(''),
  };
  for (const form of [names.kebab, names.pluralKebab, names.camel, names.pluralCamel]) {
    if (RESERVED.has(form)) {
      throw new UsageError(`"${given}" is a reserved name in a generated project (${form}); choose another, e.g. "${kebab}-item".`);
    }
  }
  return names;
}
