import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { UsageError } from '../../src/errors.js';
import type { Options } from '../../src/options.js';
import { generatorVersion } from '../../src/util/package-info.js';

const options: Options = {
  framework: 'fastify',
  database: 'sqlite',
  auth: 'jwt',
  pagination: 'cursor',
  example: true,
  apiKeys: false,
  packageManager: 'pnpm',
  install: false,
  git: true,
  yes: true,
  dryRun: false,
  force: false,
};

describe('createContext', () => {
  it('derives names and commands once, frozen', () => {
    const ctx = createContext(options, 'apps/shop-api', '/work');
    expect(ctx).toMatchObject({
      name: 'shop-api',
      targetDir: path.resolve('/work/apps/shop-api'),
      displayDir: 'apps/shop-api',
      packageManager: 'pnpm',
      runScript: 'pnpm',
      installCommand: 'pnpm install',
      install: false,
      git: true,
      example: true,
      generatorVersion: generatorVersion(),
    });
    expect(Object.isFrozen(ctx)).toBe(true);
  });

  it('treats "." as the current directory', () => {
    const ctx = createContext(options, '.', '/home/me/orders');
    expect(ctx.name).toBe('orders');
    expect(ctx.targetDir).toBe(path.resolve('/home/me/orders'));
    expect(ctx.displayDir).toBe('.');
  });

  it('refuses a directory whose name is not a valid package name', () => {
    expect(() => createContext(options, 'Shop API', '/work')).toThrow(UsageError);
  });

  it('reads our version from package.json', () => {
    expect(generatorVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
