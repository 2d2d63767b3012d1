import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../src/api/versions.js';
import { startTestApp, type TestApp } from './support/app.js';

type Operation = { operationId?: string; tags?: string[]; parameters?: { name: string; in: string; schema: Record<string, unknown> }[] };
type Document = {
  servers?: { url: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
};

/** The project's own documents, as a code generator or a mock server reads them. */
describe('OpenAPI documents, for the tools that read them', () => {
  let app: TestApp;
  const documents: Record<string, Document> = {};
  beforeAll(async () => {
    app = await startTestApp();
    for (const version of Object.keys(registry.versions)) {
      documents[version] = (await (await app.request(`/api/${version}/openapi.json`)).json()) as Document;
    }
  });
  afterAll(() => app.close());

  const operations = (document: Document) =>
    Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

  it('a server, and a unique operationId on every operation', () => {
    for (const document of Object.values(documents)) {
      expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
      const ids = operations(document).map(({ op }) => op.operationId);
      expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]*$/.test(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('every tag an operation uses is declared at the top', () => {
    for (const document of Object.values(documents)) {
      const declared = (document.tags ?? []).map((tag) => tag.name);
      for (const { op } of operations(document)) for (const tag of op.tags ?? []) expect(declared).toContain(tag);
    }
  });

  it('no artefacts of the validation library: no safe-integer bounds, no regex beside a format', () => {
    for (const document of Object.values(documents)) {
      const text = JSON.stringify(document);
      expect(text).not.toContain('9007199254740991');
      const walk = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        const record = node as Record<string, unknown>;
        if (typeof record.format === 'string') expect(record.pattern).toBeUndefined();
        Object.values(record).forEach(walk);
      };
      walk(document);
    }
  });

  it('every operation lists its error statuses in the envelope; throttled ones the 429 with Retry-After and RateLimit-*, all the 503', () => {
    for (const document of Object.values(documents)) {
      for (const { path, method, op } of operations(document)) {
        const responses = (op as { responses: Record<string, { content?: unknown; headers?: Record<string, unknown> }> }).responses;
        const errors = Object.keys(responses).filter((status) => /^[45]\d\d$/.test(status));
        expect(errors, `${method} ${path}`).toContain('400');
        for (const status of errors) {
          expect(responses[status]!.content, `${method} ${path} ${status}`).toEqual({
            'application/json': { schema: { $ref: '#/components/schemas/Error' } },
          });
        }
        if (path.includes('{')) expect(errors, `${method} ${path}`).toContain('404');
        // any operation may meet a busy database or a shutdown
        expect(Object.keys(responses['503']?.headers ?? {}), `${method} ${path}`).toEqual(['Retry-After']);
        if (responses['429'])
          expect(Object.keys(responses['429'].headers ?? {})).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Remaining']));
      }
    }
  });

  it('ids and page sizes are integers with their bounds', () => {
    for (const document of Object.values(documents)) {
      for (const { path, op } of operations(document)) {
        for (const parameter of op.parameters ?? []) {
          if (parameter.in === 'path' && parameter.name === 'id')
            expect(parameter.schema, path).toMatchObject({ type: 'integer', minimum: 1 });
          if (parameter.name === 'page_size' || parameter.name === 'limit') {
            expect(parameter.schema, path).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
          }
        }
      }
    }
  });
});
