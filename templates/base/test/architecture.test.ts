import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FRAMEWORKS = ['fastify', '@fastify/', 'express', 'hono', '@hono/'];

function sources(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(folder, file));
  } catch {
    return [];
  }
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((match) => match[1]!);
}

// Swapping the framework must only ever touch src/adapters/http/.
describe('architecture', () => {
  it.each(['src/core', 'src/resources', 'src/api', 'src/auth'])('%s imports no web framework', (folder) => {
    const offending = sources(folder).flatMap((file) =>
      importsOf(file)
        .filter((specifier) =>
          FRAMEWORKS.some((name) => specifier === name || specifier.startsWith(name.endsWith('/') ? name : `${name}/`)),
        )
        .map((specifier) => `${file}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('the check does see a framework import where one is', () => {
    const adapterImports = sources('src/adapters/http').flatMap(importsOf);
    expect(adapterImports.some((specifier) => FRAMEWORKS.some((name) => specifier.startsWith(name)))).toBe(true);
  });
});
