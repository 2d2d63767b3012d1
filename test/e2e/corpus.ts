// The differential corpus: requests replayed, in order, against the Fastify, Express and Hono builds of one project
// on the same data. Every route, every error of the contract's §1, the attacks of issue 13, odd methods, paths and
// headers, HEAD and OPTIONS, chunked and compressed bodies. What a server answers is compared after `normalize`.
import { gzipSync } from 'node:zlib';
import type { WireAnswer, WireRequest } from './wire.js';

/** What one server's replay has learnt so far: its tokens and links differ from the others'. */
export interface ReplayState {
  /** `userKey`: the user's API key (the projects replayed are made with --api-keys) */
  tokens: Record<'staff' | 'staffRefresh' | 'user' | 'userRefresh' | 'rotated' | 'userKey', string>;
  next: string;
}

export interface CorpusEntry {
  name: string;
  request: (state: ReplayState) => WireRequest;
  /** reads what later requests need from this answer */
  capture?: (answer: WireAnswer, state: ReplayState) => void;
}

type Auth = keyof ReplayState['tokens'] | { raw: string };
interface Options {
  auth?: Auth;
  headers?: [string, string][];
  chunked?: boolean;
}

const ORIGIN = 'https://app.example.com';
export const STAFF = { username: 'alice', password: 's3cret-pass' };
export const USER = { username: 'bob', password: 'b0b-s3cret-pass' };

function withAuth(state: ReplayState, options: Options): [string, string][] {
  const headers = [...(options.headers ?? [])];
  if (options.auth)
    headers.push(['Authorization', typeof options.auth === 'object' ? options.auth.raw : `Bearer ${state.tokens[options.auth]}`]);
  return headers;
}

function call(method: string, target: string, options: Options = {}): (state: ReplayState) => WireRequest {
  return (state) => ({ method, target, headers: withAuth(state, options) });
}

function send(method: string, target: string, body: unknown, options: Options = {}): (state: ReplayState) => WireRequest {
  return (state) => ({
    method,
    target,
    headers: [['Content-Type', 'application/json'], ...withAuth(state, options)],
    body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
    chunked: options.chunked,
  });
}

function entry(name: string, request: CorpusEntry['request'], capture?: CorpusEntry['capture']): CorpusEntry {
  return { name, request, capture };
}

const json = (answer: WireAnswer) => JSON.parse(answer.body.toString()) as Record<string, unknown>;

function login(who: 'staff' | 'user'): CorpusEntry {
  const credentials = who === 'staff' ? STAFF : USER;
  return entry(`login as ${who}`, send('POST', '/api/token', credentials), (answer, state) => {
    const body = json(answer) as { access: string; refresh: string };
    state.tokens[who] = body.access;
    state.tokens[`${who}Refresh`] = body.refresh;
  });
}

/** Every route of the example project, every way it answers. */
function routes(): CorpusEntry[] {
  const product = { name: 'Lamp', price: '12.50', stock: 10 };
  const entries: CorpusEntry[] = [
    entry('health live', call('GET', '/health/live')),
    entry('health ready', call('GET', '/health/ready')),
    entry('docs page', call('GET', '/docs')),
    entry('v1 openapi', call('GET', '/api/v1/openapi.json')),
    entry('v2 openapi', call('GET', '/api/v2/openapi.json')),
    login('staff'),
    login('user'),
    entry('login: wrong password', send('POST', '/api/token', { username: 'alice', password: 'nope-nope-nope' })),
    entry('login: unknown user', send('POST', '/api/token', { username: 'nobody', password: 'nope-nope-nope' })),
    entry('login: fields missing', send('POST', '/api/token', {})),
    entry('login: wrong types', send('POST', '/api/token', { username: 1, password: ['x'] })),
    entry('me as staff', call('GET', '/api/v1/me', { auth: 'staff' })),
    entry('me as user', call('GET', '/api/v1/me', { auth: 'user' })),
    entry('me under v2 (inherited)', call('GET', '/api/v2/me', { auth: 'user' })),
    entry('me anonymous', call('GET', '/api/v1/me')),
    entry('me with a garbage token', call('GET', '/api/v1/me', { auth: { raw: 'Bearer not.a.token' } })),
    entry('me with Basic auth', call('GET', '/api/v1/me', { auth: { raw: 'Basic YWxpY2U6czNjcmV0' } })),
    entry('me with an empty Bearer', call('GET', '/api/v1/me', { auth: { raw: 'Bearer ' } })),
    entry('me with a refresh token as access', call('GET', '/api/v1/me', { auth: 'staffRefresh' })),
    entry(
      'me with alg none',
      call('GET', '/api/v1/me', {
        auth: { raw: 'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwidG9rZW5fdHlwZSI6ImFjY2VzcyJ9.' },
      }),
    ),
    // API keys (contract §4.2): a key acts as its owner; every bad one is the one refusal, whichever header brings it
    entry('me with an API key (X-API-Key)', (state) =>
      call('GET', '/api/v1/me', { headers: [['X-API-Key', state.tokens.userKey]] })(state),
    ),
    entry('me with an API key as a Bearer token', call('GET', '/api/v1/me', { auth: 'userKey' })),
    entry('me under v2 with an API key', (state) => call('GET', '/api/v2/me', { headers: [['X-API-Key', state.tokens.userKey]] })(state)),
    entry('me with an unknown API key', call('GET', '/api/v1/me', { headers: [['X-API-Key', `cpa_AAAAAAAA_${'A'.repeat(43)}`]] })),
    entry('me with an unknown API key as Bearer', call('GET', '/api/v1/me', { auth: { raw: `Bearer cpa_AAAAAAAA_${'A'.repeat(43)}` } })),
    entry('me with a malformed X-API-Key', call('GET', '/api/v1/me', { headers: [['X-API-Key', 'not-a-key']] })),
    entry('me with an empty X-API-Key', call('GET', '/api/v1/me', { headers: [['X-API-Key', '']] })),
    entry('me with a Bearer key and a stray part', call('GET', '/api/v1/me', { auth: { raw: 'Bearer cpa_x y' } })),
    entry(
      'me with a bad key beside a good token: the key decides',
      call('GET', '/api/v1/me', { auth: 'staff', headers: [['X-API-Key', 'cpa_bad']] }),
    ),
    entry('a public list with a refused key: 401', call('GET', '/api/v1/products', { headers: [['X-API-Key', 'cpa_bad']] })),
    entry('products: empty list', call('GET', '/api/v1/products')),
    entry('create product as staff', send('POST', '/api/v1/products', product, { auth: 'staff' })),
    entry('create product as user: 403', send('POST', '/api/v1/products', product, { auth: 'user' })),
    entry('create product anonymous: 401', send('POST', '/api/v1/products', product)),
    entry("create product with the user's API key: 403", (state) =>
      send('POST', '/api/v1/products', product, { headers: [['X-API-Key', state.tokens.userKey]] })(state),
    ),
    entry('create product, chunked body', send('POST', '/api/v1/products', { ...product, name: 'Desk' }, { auth: 'staff', chunked: true })),
    entry(
      'create product, unknown fields dropped',
      send('POST', '/api/v1/products', { ...product, name: 'Chair', id: 99, owner: 'x' }, { auth: 'staff' }),
    ),
    entry(
      'create product, price as a number',
      send('POST', '/api/v1/products', { ...product, name: 'Shelf', price: 7 }, { auth: 'staff' }),
    ),
    entry('create product via v2', send('POST', '/api/v2/products', { ...product, name: 'Rug' }, { auth: 'staff' })),
  ];
  const invalid: [string, unknown][] = [
    ['price not a decimal', { ...product, price: 'abc' }],
    ['price with three places', { ...product, price: '1.234' }],
    ['negative price', { ...product, price: '-1.00' }],
    ['negative stock', { ...product, stock: -1 }],
    ['stock not an integer', { ...product, stock: 1.5 }],
    ['stock as a string', { ...product, stock: '3' }],
    ['name missing', { price: '1.00', stock: 1 }],
    ['name empty', { ...product, name: '   ' }],
    ['name too long', { ...product, name: 'x'.repeat(201) }],
    ['name not a string', { ...product, name: { a: 1 } }],
    ['every field missing', {}],
    ['body an array', [product]],
    ['body null', 'null'],
    ['body a string', '"lamp"'],
    ['body a number', '42'],
    ['malformed JSON', '{"name": "x",'],
    ['JSON with __proto__', '{"name":"x","price":"1.00","stock":1,"__proto__":{"admin":true}}'],
    ['JSON with constructor.prototype', '{"name":"x","constructor":{"prototype":{"admin":true}}}'],
    ['empty body with a JSON type', ''],
    ['duplicate keys', '{"name":"a","name":"b","price":"1.00","stock":1}'],
  ];
  for (const [name, body] of invalid)
    entries.push(entry(`create product: ${name}`, send('POST', '/api/v1/products', body, { auth: 'staff' })));

  entries.push(
    entry('list products', call('GET', '/api/v1/products')),
    entry('list products, page size 2', call('GET', '/api/v1/products?page_size=2'), (answer, state) => {
      state.next = new URL(String(json(answer).next)).pathname + new URL(String(json(answer).next)).search;
    }),
    entry('list products, next page', (state) => ({ method: 'GET', target: state.next })),
    entry('list products under v2', call('GET', '/api/v2/products?page_size=3')),
    entry('list products, page size 0', call('GET', '/api/v1/products?page_size=0')),
    entry('list products, page size 1000', call('GET', '/api/v1/products?page_size=1000')),
    entry('list products, page size abc', call('GET', '/api/v1/products?page_size=abc')),
    entry('list products, page size twice', call('GET', '/api/v1/products?page_size=1&page_size=2')),
    entry('list products, tampered cursor', call('GET', '/api/v1/products?cursor=eyJ0IjoxfQ')),
    entry('list products, garbage cursor', call('GET', '/api/v1/products?cursor=%%%')),
    entry('list products, unknown parameter', call('GET', '/api/v1/products?colour=red')),
    entry('list products, __proto__ parameter', call('GET', '/api/v1/products?__proto__=1&constructor=2')),
    // lists' filters, search and ordering (contract §6): parsed, refused and escaped the same everywhere
    entry(
      'list products, filtered and ordered',
      call('GET', '/api/v1/products?price__gte=1&price__lt=1000&stock__gt=0&ordering=-price,name&page_size=3'),
    ),
    entry('list products, icontains with % and _', call('GET', '/api/v1/products?name__icontains=%25_&name__istartswith=a')),
    entry('list products, search', call('GET', '/api/v1/products?search=lamp%20desk,chair')),
    entry(
      'list products, values that do not parse',
      call('GET', '/api/v1/products?price__gte=cheap&stock=1.5&stock__lt=99999999999&name=a%00b'),
    ),
    entry('list products, undeclared ordering', call('GET', '/api/v1/products?ordering=updated_at')),
    entry('list products, repeated ordering', call('GET', '/api/v1/products?ordering=price&ordering=-name&page_size=2')),
    entry('list products, 11 search terms', call('GET', `/api/v1/products?search=${'a+'.repeat(11)}`)),
    entry('list products, a filter as an object', call('GET', '/api/v1/products?price__gte[a]=1&ordering[]=price')),
    entry('list products v2, ordering=price', call('GET', '/api/v2/products?ordering=price&page_size=2')),
    entry(
      'list products, a cursor of another query',
      call(
        'GET',
        `/api/v1/products?ordering=price&cursor=${Buffer.from(JSON.stringify({ v: ['1.00'], i: 1, r: 0, q: 'another' })).toString('base64url')}`,
      ),
    ),
    entry('list orders by product, by quantity', call('GET', '/api/v1/orders?product_id__in=1,2&ordering=-quantity', { auth: 'user' })),
    entry(
      'list orders, 101 products',
      call('GET', `/api/v1/orders?product_id__in=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`, { auth: 'user' }),
    ),
    // bounds every database holds: a cursor at the edge of time and ids, ids and integers past 32 bits, NUL
    ...[
      { t: Number.MAX_SAFE_INTEGER, i: 1, r: 0 },
      { t: 1, i: Number.MAX_SAFE_INTEGER, r: 0 },
      { t: Date.UTC(2026, 0, 1), i: 2147483648, r: 1 },
    ].map((cursor, index) =>
      entry(
        `list products, maxed cursor ${index + 1}`,
        call('GET', `/api/v1/products?cursor=${Buffer.from(JSON.stringify(cursor)).toString('base64url')}`),
      ),
    ),
    ...['2147483647', '2147483648', '9007199254740993'].map((id) => entry(`product detail ${id}`, call('GET', `/api/v1/products/${id}`))),
    entry(
      'create product, stock past 32 bits',
      send('POST', '/api/v1/products', { ...product, name: 'Vast', stock: 2147483648 }, { auth: 'staff' }),
    ),
    entry(
      'create product, stock at the 32-bit maximum',
      send('POST', '/api/v1/products', { ...product, name: 'Vast', stock: 2147483647 }, { auth: 'staff' }),
    ),
    entry('create product, NUL in the name', send('POST', '/api/v1/products', { ...product, name: 'nul\u0000byte' }, { auth: 'staff' })),
    entry(
      'create product, a lone surrogate in the name',
      send('POST', '/api/v1/products', { ...product, name: 'half \ud800 pair' }, { auth: 'staff' }),
    ),
    entry(
      'order, product id past 32 bits',
      send('POST', '/api/v1/orders', { product_id: 2147483648, quantity: 1, shipping_address: 'x' }, { auth: 'user' }),
    ),
    entry('product detail', call('GET', '/api/v1/products/1')),
    // conditional requests (contract §10): the tags are the same bytes everywhere, and so are the answers
    entry('product detail, If-None-Match *', call('GET', '/api/v1/products/1', { headers: [['If-None-Match', '*']] })),
    entry(
      'product detail, If-None-Match stale',
      call('GET', '/api/v1/products/1', { headers: [['If-None-Match', 'W/"1-aaaaaaaaaaaaaaaa", "x"']] }),
    ),
    entry(
      'change product, stale If-Match',
      send('PATCH', '/api/v1/products/1', { stock: 3 }, { auth: 'staff', headers: [['If-Match', '"1-aaaaaaaaaaaaaaaa"']] }),
    ),
    entry(
      'change product, If-Match garbage',
      send('PATCH', '/api/v1/products/1', { stock: 3 }, { auth: 'staff', headers: [['If-Match', 'garbage']] }),
    ),
    entry(
      'delete product, stale If-Match',
      call('DELETE', '/api/v1/products/1', { auth: 'staff', headers: [['If-Match', '"9-aaaaaaaaaaaaaaaa"']] }),
    ),
    entry('change product, If-Match *', send('PATCH', '/api/v1/products/1', { stock: 3 }, { auth: 'staff', headers: [['If-Match', '*']] })),
    entry('product detail under v2', call('GET', '/api/v2/products/1')),
  );
  for (const id of [
    '999',
    '0',
    '-1',
    'abc',
    '1.5',
    '01',
    '1e3',
    '%31',
    '9007199254740993',
    'x'.repeat(600),
    '%zz',
    '%00',
    '1%2F2',
    "1'",
    '1;DROP',
  ]) {
    entries.push(
      entry(`product detail: id ${id.length > 20 ? `${id.slice(0, 5)}... (${id.length})` : id}`, call('GET', `/api/v1/products/${id}`)),
    );
  }
  entries.push(
    entry('update product as staff', send('PATCH', '/api/v1/products/1', { stock: 20 }, { auth: 'staff' })),
    entry('update product: empty patch', send('PATCH', '/api/v1/products/1', {}, { auth: 'staff' })),
    entry('update product: bad price', send('PATCH', '/api/v1/products/1', { price: 'x' }, { auth: 'staff' })),
    entry('update product as user: 403', send('PATCH', '/api/v1/products/1', { stock: 1 }, { auth: 'user' })),
    entry('update missing product', send('PATCH', '/api/v1/products/999', { stock: 1 }, { auth: 'staff' })),
    entry('replace product: PUT not allowed', send('PUT', '/api/v1/products/1', product, { auth: 'staff' })),
    entry('delete product as user: 403', call('DELETE', '/api/v1/products/2', { auth: 'user' })),
    entry('delete product anonymous: 401', call('DELETE', '/api/v1/products/2')),
    entry('delete product as staff', call('DELETE', '/api/v1/products/2', { auth: 'staff' })),
    entry('delete it again: 404', call('DELETE', '/api/v1/products/2', { auth: 'staff' })),
    entry('detail of the deleted product', call('GET', '/api/v1/products/2')),
    // orders: a user sees only their own
    entry('create order', send('POST', '/api/v1/orders', { product_id: 1, quantity: 2, shipping_address: '1 Main St' }, { auth: 'user' })),
    entry(
      'create order under v2',
      send('POST', '/api/v2/orders', { product_id: 1, quantity: 1, shipping_address: '2 Main St' }, { auth: 'user' }),
    ),
    entry(
      'create order: quantity 0',
      send('POST', '/api/v1/orders', { product_id: 1, quantity: 0, shipping_address: 'x' }, { auth: 'user' }),
    ),
    entry(
      'create order: quantity 101',
      send('POST', '/api/v1/orders', { product_id: 1, quantity: 101, shipping_address: 'x' }, { auth: 'user' }),
    ),
    entry(
      'create order: more than in stock',
      send('POST', '/api/v1/orders', { product_id: 1, quantity: 99, shipping_address: 'x' }, { auth: 'user' }),
    ),
    entry(
      'create order: unknown product',
      send('POST', '/api/v1/orders', { product_id: 999, quantity: 1, shipping_address: 'x' }, { auth: 'user' }),
    ),
    entry(
      'create order: every field wrong',
      send('POST', '/api/v1/orders', { product_id: 'a', quantity: 'b', shipping_address: 5 }, { auth: 'user' }),
    ),
    entry('create order anonymous: 401', send('POST', '/api/v1/orders', { product_id: 1, quantity: 1, shipping_address: 'x' })),
    entry('list orders as user', call('GET', '/api/v1/orders', { auth: 'user' })),
    entry('list orders as staff (none of theirs)', call('GET', '/api/v1/orders', { auth: 'staff' })),
    entry('order detail as its owner', call('GET', '/api/v1/orders/1', { auth: 'user' })),
    entry('order detail as someone else: 404', call('GET', '/api/v1/orders/1', { auth: 'staff' })),
    entry('order detail anonymous: 401', call('GET', '/api/v1/orders/1')),
    entry('update order', send('PATCH', '/api/v1/orders/1', { shipping_address: '3 Main St' }, { auth: 'user' })),
    entry('delete order of someone else: 404', call('DELETE', '/api/v1/orders/1', { auth: 'staff' })),
    entry('list orders under v2', call('GET', '/api/v2/orders', { auth: 'user' })),
    // idempotent creates (contract §10): the replay is the first answer, byte for byte, on every framework
    ...(
      [
        ['create order with an Idempotency-Key', 1, 'corpus-key-1'],
        ['create order, the same key again', 1, 'corpus-key-1'],
        ['create order, the same key, another body', 2, 'corpus-key-1'],
        ['create order, an Idempotency-Key with a space', 1, 'has space'],
        ['create order, an empty Idempotency-Key', 1, ''],
      ] as const
    ).map(([name, quantity, key]) =>
      entry(
        name,
        send(
          'POST',
          '/api/v1/orders',
          { product_id: 1, quantity, shipping_address: 'key' },
          { auth: 'user', headers: [['Idempotency-Key', key]] },
        ),
      ),
    ),
    entry(
      'refresh with an Idempotency-Key: not read',
      send('POST', '/api/token/refresh', { refresh: 'garbage' }, { headers: [['Idempotency-Key', 'has space']] }),
    ),
    // tokens: refresh rotates, reuse revokes the family, blacklist logs out
    entry('refresh: no token', send('POST', '/api/token/refresh', {})),
    entry('refresh: garbage', send('POST', '/api/token/refresh', { refresh: 'garbage' })),
    entry('refresh: an access token', (state) => send('POST', '/api/token/refresh', { refresh: state.tokens.user })(state)),
    entry(
      'refresh: rotates',
      (state) => send('POST', '/api/token/refresh', { refresh: state.tokens.userRefresh })(state),
      (answer, state) => {
        state.tokens.rotated = state.tokens.userRefresh;
        state.tokens.userRefresh = (json(answer) as { refresh: string }).refresh;
      },
    ),
    entry('refresh: the rotated token again (reuse)', (state) =>
      send('POST', '/api/token/refresh', { refresh: state.tokens.rotated })(state),
    ),
    entry('refresh: its successor, revoked with the family', (state) =>
      send('POST', '/api/token/refresh', { refresh: state.tokens.userRefresh })(state),
    ),
    entry('blacklist: garbage', send('POST', '/api/token/blacklist', { refresh: 'garbage' })),
    entry('blacklist: staff logs out', (state) => send('POST', '/api/token/blacklist', { refresh: state.tokens.staffRefresh })(state)),
    entry('refresh after logout', (state) => send('POST', '/api/token/refresh', { refresh: state.tokens.staffRefresh })(state)),
    entry('blacklist: no body', call('POST', '/api/token/blacklist')),
  );
  return entries;
}

/** Odd methods, paths and versions: what no route serves. */
function unrouted(): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (const method of ['PUT', 'DELETE', 'PATCH', 'TRACE', 'PROPFIND', 'OPTIONS']) {
    entries.push(entry(`${method} on the product list`, call(method, '/api/v1/products')));
  }
  for (const method of ['POST', 'PUT', 'OPTIONS']) entries.push(entry(`${method} on /health/live`, call(method, '/health/live')));
  for (const method of ['HEAD', 'OPTIONS']) {
    for (const path of [
      '/api/v1/products',
      '/api/v1/products/1',
      '/api/v1/products/999',
      '/health/live',
      '/docs',
      '/nowhere',
      '/api/v9/products',
    ]) {
      entries.push(entry(`${method} ${path}`, call(method, path)));
    }
  }
  for (const path of [
    '/',
    '/nowhere',
    '/api',
    '/api/',
    '/api/v1',
    '/api/v1/',
    '/api/v9/products',
    '/api/V1/products',
    '/api/1/products',
    '/api/v1/products/',
    '/api/v1/products//',
    '//api/v1/products',
    '/api/v1//products',
    '/api/v1/PRODUCTS',
    '/api/v1/products/1/',
    '/api/v1/products/1/extra',
    '/api/v1/products.json',
    '/api/v1/products?',
    '/api/v1/products?&&',
    '/api/v1/products#top',
    '/api/v1/../v1/products',
    '/api/v1/./products',
    '/api/v1/%70roducts',
    '/api/v1/products%2F1',
    '/api/v1/produits/%C3%A9t%C3%A9',
    '/api/v1/%',
    '/api/v1/%zz',
    '/api/v1/products?page_size=%zz',
    '/health/live?probe=1',
    '/health/live/',
    '/docs/',
    '/docs?x=1',
    '/api/v1/openapi.json/',
    '/api/v9/openapi.json',
    '/openapi.json',
    `/api/v1/${'a'.repeat(2000)}`,
    '/api/token',
    '/api/token/refresh',
  ]) {
    entries.push(entry(`GET ${path.length > 40 ? `${path.slice(0, 12)}... (${path.length})` : path}`, call('GET', path)));
  }
  entries.push(
    entry('POST to a path no route serves', send('POST', '/api/v1/nowhere', { a: 1 })),
    entry('DELETE on an unknown version', call('DELETE', '/api/v9/products/1')),
    entry('absolute-form request target', call('GET', 'http://127.0.0.1/api/v1/products/1')),
    entry('absolute-form naming another host', call('GET', 'http://evil.example/api/v1/products?page_size=1')),
    entry('absolute-form with a port no URL allows', call('GET', 'http://127.0.0.1:99999/api/v1/products')),
    entry('asterisk request target', call('OPTIONS', '*')),
  );
  return entries;
}

/** Headers: hosts, request ids, media types, encodings, CORS, and the attacks of issue 13. */
function headers(): CorpusEntry[] {
  const body = JSON.stringify({ name: 'Vase', price: '3.00', stock: 1 });
  const withBody = (name: string, headers: [string, string][], payload: Buffer | string = body) =>
    entry(name, (state) => ({
      method: 'POST',
      target: '/api/v1/products',
      headers: [...headers, ['Authorization', `Bearer ${state.tokens.staff}`]],
      body: payload,
    }));
  return [
    entry('Host not allowed', call('GET', '/api/v1/products/1', { headers: [['Host', 'evil.example']] })),
    entry('Host not allowed, health still answers', call('GET', '/health/live', { headers: [['Host', 'evil.example']] })),
    entry('Host with a port', call('GET', '/api/v1/products?page_size=1', { headers: [['Host', '127.0.0.1:8080']] })),
    entry('Host with a path', call('GET', '/api/v1/products/1', { headers: [['Host', '127.0.0.1/evil']] })),
    entry('Host empty', call('GET', '/api/v1/products/1', { headers: [['Host', '']] })),
    entry('Host with a port past 65535', call('GET', '/health/live', { headers: [['Host', 'localhost:99999']] })),
    entry('Host an IPv4 address out of range', call('GET', '/health/live', { headers: [['Host', '1.2.3.256']] })),
    entry('Host a bracketed IPv4 address', call('GET', '/health/live', { headers: [['Host', '[1.2.3.4]']] })),
    entry('Host a bracketed nothing', call('GET', '/health/live', { headers: [['Host', '[:::]']] })),
    entry('no Host header', () => ({
      method: 'GET',
      target: '/api/v1/products/1',
      raw: Buffer.from('GET /api/v1/products/1 HTTP/1.1\r\nConnection: close\r\n\r\n'),
    })),
    entry('no Host header, health', () => ({
      method: 'GET',
      target: '/health/live',
      raw: Buffer.from('GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n'),
    })),
    entry('HTTP/1.0 without a Host', () => ({
      method: 'GET',
      target: '/api/v1/products/1',
      raw: Buffer.from('GET /api/v1/products/1 HTTP/1.0\r\n\r\n'),
    })),
    entry('Host empty, health', call('GET', '/health/ready', { headers: [['Host', '']] })),
    entry(
      'X-Forwarded-Host ignored without a trusted proxy',
      call('GET', '/api/v1/products?page_size=1', { headers: [['X-Forwarded-Host', 'evil.example']] }),
    ),
    entry(
      'X-Forwarded-For ignored without a trusted proxy',
      call('GET', '/api/v1/products/1', { headers: [['X-Forwarded-For', '1.2.3.4, 5.6.7.8']] }),
    ),
    entry(
      'X-Forwarded-Proto ignored without a trusted proxy',
      call('GET', '/api/v1/products?page_size=1', { headers: [['X-Forwarded-Proto', 'https']] }),
    ),
    entry('a sane X-Request-Id echoed', call('GET', '/api/v1/products/1', { headers: [['X-Request-Id', 'trace-123.abc:1']] })),
    entry('an insane X-Request-Id replaced', call('GET', '/api/v1/products/1', { headers: [['X-Request-Id', 'a b<script>']] })),
    entry(
      'an X-Request-Id of 200 characters replaced',
      call('GET', '/api/v1/products/1', { headers: [['X-Request-Id', 'a'.repeat(200)]] }),
    ),
    entry('Accept: text/html', call('GET', '/api/v1/products/1', { headers: [['Accept', 'text/html']] })),
    entry('Accept: application/xml on an error', call('GET', '/nowhere', { headers: [['Accept', 'application/xml']] })),
    entry('Accept-Encoding: gzip', call('GET', '/api/v1/products', { headers: [['Accept-Encoding', 'gzip, deflate, br']] })),
    entry('If-None-Match', call('GET', '/api/v1/products/1', { headers: [['If-None-Match', '*']] })),
    entry('Range', call('GET', '/api/v1/products/1', { headers: [['Range', 'bytes=0-3']] })),
    entry('Cookie on a read', call('GET', '/api/v1/products/1', { headers: [['Cookie', 'refresh_token=x; access_token=y']] })),
    entry('a 20 KB header: 431', call('GET', '/api/v1/products', { headers: [['X-Big', 'a'.repeat(20_000)]] })),
    withBody('media type text/plain: 415', [['Content-Type', 'text/plain']]),
    withBody('media type form: 415', [['Content-Type', 'application/x-www-form-urlencoded']], 'name=Vase&price=3.00&stock=1'),
    withBody('media type multipart: 415', [['Content-Type', 'multipart/form-data; boundary=x']], '--x\r\n\r\n--x--'),
    withBody('no media type with a body: 415', []),
    withBody('media type application/json; charset=utf-8', [['Content-Type', 'application/json; charset=utf-8']]),
    withBody('media type APPLICATION/JSON', [['Content-Type', 'APPLICATION/JSON']]),
    withBody('media type application/merge-patch+json', [['Content-Type', 'application/merge-patch+json']]),
    withBody('media type application/jsonx: 415', [['Content-Type', 'application/jsonx']]),
    withBody('media type application/json; charset=latin1', [['Content-Type', 'application/json; charset=latin1']]),
    withBody(
      'gzip-encoded body: 415',
      [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'gzip'],
      ],
      gzipSync(body),
    ),
    withBody(
      'deflate-encoded body: 415',
      [
        ['Content-Type', 'application/json'],
        ['Content-Encoding', 'deflate'],
      ],
      gzipSync(body),
    ),
    withBody('identity-encoded body', [
      ['Content-Type', 'application/json'],
      ['Content-Encoding', 'identity'],
    ]),
    withBody('a body over 1 MiB: 413', [['Content-Type', 'application/json']], JSON.stringify({ name: 'x'.repeat(1_100_000) })),
    withBody(
      'a body not UTF-8',
      [['Content-Type', 'application/json']],
      Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    ),
    entry('a body on a GET is ignored', () => ({
      method: 'GET',
      target: '/api/v1/products/1',
      headers: [['Content-Type', 'application/json']],
      body: '{"x":1}',
    })),
    entry('Expect: 100-continue', (state) => ({
      method: 'POST',
      target: '/api/v1/products',
      headers: [
        ['Content-Type', 'application/json'],
        ['Authorization', `Bearer ${state.tokens.staff}`],
        ['Expect', '100-continue'],
      ],
      body,
    })),
    // CORS_ORIGINS is set for this run
    entry(
      'CORS preflight, allowed origin',
      call('OPTIONS', '/api/v1/products', {
        headers: [
          ['Origin', ORIGIN],
          ['Access-Control-Request-Method', 'PATCH'],
          ['Access-Control-Request-Headers', 'authorization, content-type'],
        ],
      }),
    ),
    entry(
      'CORS preflight for DELETE',
      call('OPTIONS', '/api/v1/products/1', {
        headers: [
          ['Origin', ORIGIN],
          ['Access-Control-Request-Method', 'DELETE'],
        ],
      }),
    ),
    entry(
      'CORS preflight, other origin',
      call('OPTIONS', '/api/v1/products', {
        headers: [
          ['Origin', 'https://evil.example'],
          ['Access-Control-Request-Method', 'POST'],
        ],
      }),
    ),
    entry('CORS simple request, allowed origin', call('GET', '/api/v1/products/1', { headers: [['Origin', ORIGIN]] })),
    entry('CORS simple request, other origin', call('GET', '/api/v1/products/1', { headers: [['Origin', 'https://evil.example']] })),
    entry('CORS on an error, allowed origin', call('GET', '/nowhere', { headers: [['Origin', ORIGIN]] })),
    entry('OPTIONS with an Origin but no requested method', call('OPTIONS', '/api/v1/products', { headers: [['Origin', ORIGIN]] })),
  ];
}

/** Bytes no client library would send. */
function raw(): CorpusEntry[] {
  const bytes = (name: string, text: string): CorpusEntry =>
    entry(name, () => ({ method: '', target: '', raw: Buffer.from(text, 'latin1') }));
  return [
    bytes('a raw space in the path', 'GET /api/v1/pro ducts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    bytes('a lowercase method', 'get /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    bytes('an unknown HTTP version', 'GET /api/v1/products HTTP/9.9\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    bytes('HTTP/1.0 without a Host', 'GET /api/v1/products/1 HTTP/1.0\r\n\r\n'),
    bytes('HTTP/1.1 without a Host', 'GET /api/v1/products/1 HTTP/1.1\r\nConnection: close\r\n\r\n'),
    bytes('two Host headers', 'GET /api/v1/products/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n'),
    bytes('a header line without a colon', 'GET /api/v1/products/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken\r\nConnection: close\r\n\r\n'),
    bytes('a NUL in the path', 'GET /api/v1/products/\x001 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    bytes('bare LF line ends', 'GET /api/v1/products/1 HTTP/1.1\nHost: 127.0.0.1\nConnection: close\n\n'),
    bytes(
      'Content-Length and Transfer-Encoding both (smuggling)',
      'POST /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
    ),
    bytes(
      'two different Content-Lengths',
      'POST /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{}',
    ),
    bytes(
      'a negative Content-Length',
      'POST /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\nConnection: close\r\n\r\n',
    ),
    bytes(
      'a bad chunk size',
      'POST /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ),
    bytes(
      'Transfer-Encoding gzip',
      'POST /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n',
    ),
    bytes('a request line only', 'GET /api/v1/products/1 HTTP/1.1\r\n\r\n'),
    bytes('garbage', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'),
    entry('a body shorter than its Content-Length, then the end', () => ({
      method: '',
      target: '',
      raw: Buffer.from(
        'POST /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{"name":',
      ),
      halfClose: true,
    })),
  ];
}

/** Throttling last: a spent login quota, and what it does not block. */
function throttled(loginLimit: number): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (let attempt = 1; attempt <= loginLimit + 2; attempt += 1) {
    entries.push(
      entry(
        `failed login ${attempt} of ${loginLimit + 2}`,
        send('POST', '/api/token', { username: 'mallory', password: `guess-${attempt}-guess` }),
      ),
    );
  }
  entries.push(
    entry('a good login once throttled: still 429', send('POST', '/api/token', STAFF)),
    entry('a read meanwhile', call('GET', '/api/v1/products/1')),
  );
  return entries;
}

export function corpus(loginLimit: number): CorpusEntry[] {
  return [...routes(), ...unrouted(), ...headers(), ...raw(), ...throttled(loginLimit)];
}

/** The parts of an answer that differ between any two runs on any server: timestamps, tokens, ids, cursors. */
export function normalize(
  answer: WireAnswer,
  sentRequestId: string | undefined,
): { status: number; headers: string[]; body: string; timedOut: boolean } {
  let body = answer.body.toString('utf8');
  const original = body;
  body = body
    .replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '<jwt>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>')
    .replace(/cursor=[\w%.~-]+/g, 'cursor=<cursor>')
    .replace(/Expected available in \d+ seconds?/g, 'Expected available in <n> seconds');
  const headers = answer.headers
    .filter(([name]) => !['date', 'keep-alive'].includes(name))
    .map(([name, value]) => {
      if (name === 'x-request-id') return [name, value === sentRequestId ? value : '<generated>'];
      if (name === 'ratelimit-reset' || (name === 'retry-after' && answer.status === 429)) return [name, '<seconds>'];
      if (name === 'content-length' && body !== original) return [name, '<length>'];
      if (name === 'set-cookie') return [name, value.replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '<jwt>')];
      return [name, value];
    })
    .map(([name, value]) => `${name}: ${value}`)
    .sort();
  return { status: answer.status, headers, body, timedOut: answer.timedOut };
}
