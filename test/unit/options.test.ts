import { Command } from 'commander';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  OPTION_DEFS,
  addOptionFlags,
  allowedValues,
  fallbackValue,
  findOption,
  projectSpec,
  validateOptions,
  type Options,
  type ProjectOptionId,
} from '../../src/options.js';
import { UsageError } from '../../src/errors.js';

describe('the option table', () => {
  it('has unique ids and flags', () => {
    const ids = OPTION_DEFS.map((d) => d.id);
    const flags = OPTION_DEFS.map((d) => d.flag);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(flags).size).toBe(flags.length);
  });

  it('has flags that commander camel-cases back to the ids', () => {
    for (const def of OPTION_DEFS) {
      expect(def.flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())).toBe(def.id);
    }
  });

  it('defaults only to allowed values', () => {
    for (const def of OPTION_DEFS) {
      if (def.kind !== 'select') continue;
      const value = typeof def.default === 'function' ? def.default({}) : def.default;
      expect(allowedValues(def), def.id).toContain(value);
    }
  });

  it('offers every framework and database of the spec', () => {
    const values = (id: string) => allowedValues(OPTION_DEFS.find((def) => def.id === id) as Parameters<typeof allowedValues>[0]);
    expect(values('framework')).toEqual(['fastify', 'express', 'hono']);
    expect(values('database')).toEqual(['sqlite', 'postgres', 'mysql']);
  });

  it('states requirements on an earlier option and one of its values', () => {
    for (const [index, def] of OPTION_DEFS.entries()) {
      if (!def.requires) continue;
      const target = findOption(def.requires.option);
      expect(target && OPTION_DEFS.indexOf(target)).toBeLessThan(index);
      for (const value of def.requires.equals) expect(target?.kind === 'select' && target.choices.map((c) => c.value)).toContain(value);
    }
  });

  it('derives the Options type from the rows', () => {
    expectTypeOf<Options['framework']>().toEqualTypeOf<'fastify' | 'express' | 'hono'>();
    expectTypeOf<Options['packageManager']>().toEqualTypeOf<'npm' | 'pnpm' | 'yarn' | 'bun'>();
    expectTypeOf<Options['example']>().toEqualTypeOf<boolean>();
    expectTypeOf<Options['dryRun']>().toEqualTypeOf<boolean>();
    expectTypeOf<ProjectOptionId>().toEqualTypeOf<
      'framework' | 'database' | 'auth' | 'pagination' | 'example' | 'apiKeys' | 'packageManager'
    >();
  });
});

describe('projectSpec', () => {
  const made = {
    framework: 'hono',
    database: 'mysql',
    auth: 'oidc',
    pagination: 'offset',
    example: false,
    apiKeys: false,
    packageManager: 'pnpm',
  } as const;

  it("records the table's recorded rows in its order, and a when-on toggle only when on", () => {
    expect(projectSpec(made)).toEqual({
      options: { framework: 'hono', database: 'mysql', auth: 'oidc', pagination: 'offset', example: false, packageManager: 'pnpm' },
      args: [
        '--framework',
        'hono',
        '--database',
        'mysql',
        '--auth',
        'oidc',
        '--pagination',
        'offset',
        '--package-manager',
        'pnpm',
        '--no-example',
      ],
    });
    const keys = projectSpec({ ...made, example: true, apiKeys: true });
    expect(Object.keys(keys.options)).toEqual(['framework', 'database', 'auth', 'pagination', 'example', 'apiKeys', 'packageManager']);
    expect(keys.args.slice(-2)).toEqual(['--example', '--api-keys']);
  });

  it('gives arguments that the command line reads back as the same options', () => {
    for (const apiKeys of [false, true]) {
      const { args, options } = projectSpec({ ...made, apiKeys });
      const program = addOptionFlags(new Command()).exitOverride().parse(args, { from: 'user' });
      expect({ apiKeys: false, ...program.opts() }).toEqual({ ...options, apiKeys });
    }
  });
});

describe('validateOptions', () => {
  it('accepts allowed values and nothing given', () => {
    expect(() => validateOptions({})).not.toThrow();
    expect(() => validateOptions({ framework: 'fastify', database: 'sqlite', auth: 'none', example: false })).not.toThrow();
  });

  it('refuses a value that is not allowed in one line listing the allowed ones', () => {
    expect(() => validateOptions({ framework: 'koa' as never })).toThrow(
      new UsageError('--framework koa is not valid; allowed: fastify, express, hono.'),
    );
  });

  it('refuses --example with --auth none and says why', () => {
    expect(() => validateOptions({ auth: 'none', example: true })).toThrow(
      /--example needs --auth jwt or oidc: the example's orders belong to users/,
    );
  });

  it('refuses --api-keys with --auth none and says why', () => {
    expect(() => validateOptions({ auth: 'none', apiKeys: true })).toThrow(
      /--api-keys needs --auth jwt or oidc: a key acts as one of the API's users/,
    );
    expect(() => validateOptions({ auth: 'jwt', apiKeys: true, example: false })).not.toThrow();
  });

  it('waits for auth before judging --example', () => {
    expect(() => validateOptions({ example: true })).not.toThrow();
  });
});

describe('fallbackValue', () => {
  const example = findOption('example')!;
  const pm = findOption('packageManager')!;

  it('turns example off when auth is none, on otherwise', () => {
    expect(fallbackValue(example, { auth: 'none' }, {})).toBe(false);
    expect(fallbackValue(example, { auth: 'jwt' }, {})).toBe(true);
  });

  it('takes the package manager from the user agent, else npm', () => {
    expect(fallbackValue(pm, {}, { npm_config_user_agent: 'pnpm/9.1.0 npm/? node/v20.12.0 linux x64' })).toBe('pnpm');
    expect(fallbackValue(pm, {}, {})).toBe('npm');
  });
});
