import { describe, expect, it } from 'vitest';
import { invalidNameMessage, packageNameProblem, suggestPackageName } from '../../src/util/package-name.js';
import { assertValidName, nameFromDirectory } from '../../src/context.js';
import { UsageError } from '../../src/errors.js';

describe('package name validation', () => {
  it('accepts ordinary names', () => {
    for (const name of ['my-api', 'api2', 'shop.api', 'a_b']) expect(packageNameProblem(name), name).toBeUndefined();
  });

  it.each([
    ['My App', 'my-app'],
    ['Shop API', 'shop-api'],
    ['.hidden', 'hidden'],
    ['_private', 'private'],
    ['orders#v2', 'orders-v2'],
    ['http', 'http-api'],
    ['node_modules', 'node_modules-api'],
  ])('refuses %s and suggests %s', (name, suggestion) => {
    expect(packageNameProblem(name)).toBeTruthy();
    expect(suggestPackageName(name)).toBe(suggestion);
    expect(packageNameProblem(suggestPackageName(name))).toBeUndefined();
  });

  it('gives the reason and the suggestion in one line', () => {
    const message = invalidNameMessage('My App');
    expect(message).toContain('capital letters');
    expect(message).toContain('try "my-app"');
    expect(message).not.toContain('\n');
  });

  it('takes the name from the directory basename; "." is the current directory', () => {
    expect(nameFromDirectory('.', '/home/me/shop-api')).toBe('shop-api');
    expect(nameFromDirectory('apps/billing', '/repo')).toBe('billing');
    expect(nameFromDirectory('/abs/path/orders/', '/x')).toBe('orders');
  });

  it('refuses with a UsageError', () => {
    expect(() => assertValidName('Bad Name')).toThrow(UsageError);
    expect(() => assertValidName('good-name')).not.toThrow();
  });
});
