import { describe, expect, it } from 'vitest';
import { resourceNames } from '../../src/resource/names.js';

describe('resourceNames', () => {
  it.each(['order-item', 'orderItem', 'OrderItems', 'order_items', 'order-items'])('%s is one resource', (given) => {
    expect(resourceNames(given)).toEqual({
      kebab: 'order-item',
      pluralKebab: 'order-items',
      table: 'order_items',
      pluralCamel: 'orderItems',
      camel: 'orderItem',
      pascal: 'OrderItem',
    });
  });

  it.each([
    ['category', 'categories'],
    ['person', 'people'],
    ['address', 'addresses'],
    ['status-update', 'status-updates'],
    ['box', 'boxes'],
  ])('%s -> %s', (given, plural) => {
    expect(resourceNames(given).pluralKebab).toBe(plural);
  });

  it.each([
    ['auth', 'reserved'],
    ['users', 'reserved'],
    ['class', 'reserved'],
    // its fields const (`decimal = defineFields(...)`) would clash with what schemas.ts imports
    ['decimals', 'reserved'],
    ['instants', 'reserved'],
    ['1st', 'Invalid resource name'],
    ['a b', 'Invalid resource name'],
    ['sheep', 'same singular and plural'],
  ])('refuses %s', (given, message) => {
    expect(() => resourceNames(given)).toThrow(message);
  });
});
