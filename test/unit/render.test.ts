import { mkdir, mkdtemp, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { handlebars, outputPath, readTemplateDir, renderTemplate, templateToOutput } from '../../src/plan/render.js';
import Handlebars from 'handlebars';

const view = { name: 'shop-api', framework: 'fastify', auth: 'jwt', example: true };

describe('rendering', () => {
  it('renders .hbs files and drops the suffix', () => {
    const out = templateToOutput('src/config.ts.hbs', Buffer.from('export const name = "{{name}}";\n'), view);
    expect(out).toEqual({ path: 'src/config.ts', content: 'export const name = "shop-api";\n' });
  });

  it('does not HTML-escape', () => {
    expect(renderTemplate('{{v}}', { v: `a < b && "c" 'd'` }, 'x.hbs')).toBe(`a < b && "c" 'd'`);
  });

  it('fails on a missing variable, naming the template file', () => {
    expect(() => templateToOutput('src/app.ts.hbs', '{{nmae}}', view)).toThrow(/src\/app\.ts\.hbs.*nmae/);
  });

  it('fails on a missing variable inside a block too', () => {
    expect(() => renderTemplate('{{#if example}}{{missing}}{{/if}}', view, 'a.hbs')).toThrow(/a\.hbs/);
  });

  it('copies other files byte for byte, braces and all', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x7b, 0x7b, 0x6e, 0x7d, 0x7d, 0x00, 0xff]);
    const out = templateToOutput('assets/logo.png', bytes, view);
    expect(out.path).toBe('assets/logo.png');
    expect(Buffer.compare(out.content as Buffer, bytes)).toBe(0);
    expect(templateToOutput('src/a.ts', '{{not rendered}}', view).content).toBe('{{not rendered}}');
  });

  it('uses its own Handlebars environment', () => {
    expect(handlebars).not.toBe(Handlebars);
    handlebars.registerHelper('onlyOurs', () => 'x');
    expect(Handlebars.helpers).not.toHaveProperty('onlyOurs');
    handlebars.unregisterHelper('onlyOurs');
  });
});

describe('output paths', () => {
  it.each([
    ['_gitignore', '.gitignore'],
    ['_gitignore.hbs', '.gitignore'],
    ['_env.example', '.env.example'],
    ['_github/workflows/ci.yml', '.github/workflows/ci.yml'],
    ['src/_gitignore', 'src/.gitignore'],
    ['src/__name__.ts.hbs', 'src/shop-api.ts'],
    ['__name__/__name__.md', 'shop-api/shop-api.md'],
    ['src/_internal.ts', 'src/_internal.ts'],
    ['_npmrc', '_npmrc'],
  ])('%s -> %s', (from, to) => {
    expect(outputPath(from, view)).toBe(to);
  });
});

describe('readTemplateDir', () => {
  it('walks recursively with sorted posix paths, contents and modes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cpa-tpl-'));
    await mkdir(path.join(dir, 'src/core'), { recursive: true });
    await writeFile(path.join(dir, 'src/core/errors.ts'), 'e');
    await writeFile(path.join(dir, 'src/app.ts.hbs'), 'a');
    await writeFile(path.join(dir, '_gitignore'), 'g');
    await writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\n');
    await chmod(path.join(dir, 'run.sh'), 0o755);
    const files = await readTemplateDir(dir);
    expect(files.map((f) => f.path)).toEqual(['_gitignore', 'run.sh', 'src/app.ts.hbs', 'src/core/errors.ts']);
    expect(files[0]!.content.toString()).toBe('g');
    expect(Buffer.isBuffer(files[0]!.content)).toBe(true);
    expect(files[1]!.mode & 0o111).not.toBe(0);
  });
});
