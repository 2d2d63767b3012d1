// Properties put into and taken out of an object literal by hand, in the
// literal's own layout (one per line, or all on one line). ts-morph's
// insertPropertyAssignment and remove() reflow the neighbours: a comment of the
// user's after an item can end up before a doubled comma, or on another line.
import { Node, SyntaxKind, type Expression, type ObjectLiteralElementLike, type ObjectLiteralExpression } from './ts-morph.js';

/** `item` (e.g. `name: z.string()`) before `before`, or after the last property when `before` is undefined. */
export function insertProperty(object: ObjectLiteralExpression, item: string, before?: ObjectLiteralElementLike): void {
  const file = object.getSourceFile();
  const text = file.getFullText();
  const properties = object.getProperties();
  if (properties.length === 0) {
    file.insertText(object.getStart() + 1, ` ${item} `);
    return;
  }
  const multiline = text.slice(object.getStart(), object.getEnd()).includes('\n');
  if (before) {
    const start = startWithComments(before);
    if (!multiline) file.insertText(start, `${item}, `);
    else {
      const lineStart = text.lastIndexOf('\n', start) + 1;
      file.insertText(lineStart, `${indentOf(text, before.getStart())}${item},\n`);
    }
    return;
  }
  const last = properties.at(-1)!;
  const comma = commaAfter(last);
  if (!multiline) {
    file.insertText(comma ? comma.getEnd() : last.getEnd(), comma ? ` ${item},` : `, ${item}`);
    return;
  }
  const lineEnd = endOfLine(text, comma ?? last);
  const indent = indentOf(text, last.getStart());
  if (lineEnd === -1 || lineEnd >= object.getEnd()) {
    // the closing brace is on the last item's line: the new item goes on that line too
    file.insertText(comma ? comma.getEnd() : last.getEnd(), comma ? ` ${item},` : `, ${item}`);
    return;
  }
  // positions read before any insert: an insert retires every node read before it
  const lastEnd = last.getEnd();
  file.insertText(lineEnd + 1, `${indent}${item},\n`);
  if (!comma) file.insertText(lastEnd, ',');
}

/** The property gone, with its comma and the comments that belong to it (above it, and after it on its line). */
export function removeProperty(property: ObjectLiteralElementLike): void {
  const file = property.getSourceFile();
  const text = file.getFullText();
  const object = property.getParentIfKindOrThrow(SyntaxKind.ObjectLiteralExpression);
  const multiline = text.slice(object.getStart(), object.getEnd()).includes('\n');
  const comma = commaAfter(property);
  const start = startWithComments(property);
  if (multiline) {
    const lineStart = text.lastIndexOf('\n', start) + 1;
    const lineEnd = endOfLine(text, comma ?? property);
    const alone = text.slice(lineStart, start).trim() === '' && lineEnd !== -1 && lineEnd < object.getEnd();
    if (alone) {
      file.removeText(lineStart, lineEnd + 1);
      return;
    }
  }
  const properties = object.getProperties();
  const index = properties.indexOf(property);
  if (comma) file.removeText(start, nextNonSpace(text, comma.getEnd()));
  else if (index > 0) file.removeText(commaAfter(properties[index - 1]!)!.getPos(), property.getEnd());
  else file.removeText(start, property.getEnd());
}

/** The expression inside any parentheses: `(x)` is `x`. */
export function unparen(expression: Node | undefined): Expression | undefined {
  let current = expression;
  while (current && Node.isParenthesizedExpression(current)) current = current.getExpression();
  return current as Expression | undefined;
}

/** The keys of an object literal's `key: value` and shorthand `key` properties, in order. */
export function keysOf(object: ObjectLiteralExpression): string[] {
  return object.getProperties().flatMap((property) => {
    if (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property)) return [keyOf(property)];
    return [];
  });
}

/** A property's key as its text names it: `'a-b'` is `a-b`. */
export function keyOf(property: Node): string {
  const nameNode = (property as unknown as { getNameNode(): Node }).getNameNode();
  return Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
}

export function findKey(object: ObjectLiteralExpression, key: string): ObjectLiteralElementLike | undefined {
  return object
    .getProperties()
    .find((property) => (Node.isPropertyAssignment(property) || Node.isShorthandPropertyAssignment(property)) && keyOf(property) === key);
}

/** `key: initializer`, before `before` when that key is there (a field goes above the timestamps), else last. */
export function ensureKey(object: ObjectLiteralExpression, key: string, initializer: string, before?: string): void {
  if (findKey(object, key)) return;
  insertProperty(object, `${key}: ${initializer}`, before === undefined ? undefined : findKey(object, before));
}

export function removeKey(object: ObjectLiteralExpression, key: string): void {
  const property = findKey(object, key);
  if (property) removeProperty(property);
}

/** `from: ...` as `to: ...` (a shorthand `from` as `to: from`), unless `to` is there already. */
export function renameKey(object: ObjectLiteralExpression, from: string, to: string): void {
  if (findKey(object, to)) return;
  const property = findKey(object, from);
  if (!property) return;
  if (Node.isShorthandPropertyAssignment(property)) property.replaceWithText(`${to}: ${from}`);
  else (property as unknown as { getNameNode(): Node }).getNameNode().replaceWithText(to);
}

function commaAfter(node: Node): Node | undefined {
  const next = node.getNextSibling();
  return next?.getKind() === SyntaxKind.CommaToken ? next : undefined;
}

/** Where the node starts, counting the comments on the lines just above it. */
function startWithComments(node: Node): number {
  const ranges = node.getLeadingCommentRanges();
  return ranges.length > 0 ? ranges[0]!.getPos() : node.getStart();
}

/** The end of the line holding `node`'s end, past any comment after it (-1: the file ends first). */
function endOfLine(text: string, node: Node): number {
  const end = Math.max(node.getEnd(), ...node.getTrailingCommentRanges().map((range) => range.getEnd()));
  return text.indexOf('\n', end);
}

function indentOf(text: string, position: number): string {
  const lineStart = text.lastIndexOf('\n', position - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, position))![0];
}

function nextNonSpace(text: string, from: number): number {
  let position = from;
  while (position < text.length && (text[position] === ' ' || text[position] === '\t')) position += 1;
  return position;
}
