// ts-morph, loaded with require() rather than import. It is CommonJS, and an
// ESM import of it first has Node scan its compiled code for export names:
// ~60 ms of every add-resource run (bench/add-resource.ts), for nothing we use.
import { createRequire } from 'node:module';
import type * as TsMorph from 'ts-morph';

const tsMorph = createRequire(import.meta.url)('ts-morph') as typeof TsMorph;

export const { IndentationText, Node, Project, QuoteKind, SyntaxKind } = tsMorph;
export type Node = TsMorph.Node;
export type SyntaxKind = TsMorph.SyntaxKind;
export type {
  ArrayLiteralExpression,
  Expression,
  ObjectLiteralElementLike,
  ObjectLiteralExpression,
  PropertyAssignment,
  SourceFile,
} from 'ts-morph';
