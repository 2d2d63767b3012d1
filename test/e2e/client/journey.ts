// A client of the generated API, written as its users would: openapi-fetch over the types `npm run client:generate`
// writes. The e2e copies it into a generated project, compiles it with `tsc --strict` (no `any`, no cast), and runs
// it against the server, directly and through Prism's validating proxy.
import createClient from 'openapi-fetch';
import type { paths } from '../client/v1.js';

const [baseUrl = '', username = '', password = '', plainUsername = '', plainPassword = '', mode = 'direct'] = process.argv.slice(2);
// through Prism's proxy, a request with no credentials where the document asks for them is answered by Prism
// itself: there the 401 is asked for with a token that is not valid, which the server answers
const throughProxy = mode === 'proxy';
const client = createClient<paths>({ baseUrl });

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new Error(`client journey: ${what}`);
}

// login, then refresh: the pair comes back typed
const login = await client.POST('/api/token', { body: { username, password } });
check(login.data !== undefined, `login answered ${login.response.status}`);
const refreshed = await client.POST('/api/token/refresh', { body: { refresh: login.data.refresh } });
check(refreshed.data !== undefined, `refresh answered ${refreshed.response.status}`);
const staff = { headers: { Authorization: `Bearer ${refreshed.data.access}` } };

const me = await client.GET('/api/v1/me', staff);
check(me.data?.username === username, 'GET /me names the staff user');

// create two products (a price as a string and as a number), then list them a page at a time by cursor
const lamp = await client.POST('/api/v1/products', { body: { name: 'Lamp', price: '12.50', stock: 3 }, ...staff });
check(lamp.response.status === 201 && lamp.data !== undefined, `create answered ${lamp.response.status}`);
const id: number = lamp.data.id;
const desk = await client.POST('/api/v1/products', { body: { name: 'Desk', price: 30, stock: 1 }, ...staff });
check(desk.data?.price === '30.00', 'a number price comes back as a decimal string');

const first = await client.GET('/api/v1/products', { params: { query: { page_size: 1 } } });
check(first.data !== undefined && first.data.results.length === 1 && first.data.next !== null, 'first page');
const cursor = new URL(first.data.next).searchParams.get('cursor');
check(cursor !== null, 'next link has a cursor');
const second = await client.GET('/api/v1/products', { params: { query: { page_size: 1, cursor } } });
check(second.data !== undefined && second.data.results.length === 1, 'second page');
check(second.data.results[0]!.id !== first.data.results[0]!.id, 'pages do not repeat');

// filtered, searched and ordered, a page at a time: the parameters are typed (the orderings' values too)
const query = { price__gte: 10, search: 'lamp desk', ordering: ['-price' as const], page_size: 1 };
const dearest = await client.GET('/api/v1/products', { params: { query: { ...query, search: undefined } } });
check(dearest.data !== undefined && dearest.data.results.length === 1 && dearest.data.next !== null, 'ordered by -price');
const top = dearest.data.results[0]!;
const afterDearest = new URL(dearest.data.next).searchParams.get('cursor') ?? undefined;
const next = await client.GET('/api/v1/products', { params: { query: { ...query, search: undefined, cursor: afterDearest } } });
const runnerUp = next.data?.results[0];
check(runnerUp !== undefined && runnerUp.id !== top.id && Number(runnerUp.price) <= Number(top.price) && Number(runnerUp.price) >= 10, 'the next page, same filter and order');
const searched = await client.GET('/api/v1/products', { params: { query } });
check(searched.data !== undefined && searched.data.results.length === 0, 'no product has both terms');
const bound = await client.GET('/api/v1/products', { params: { query: { ordering: ['price'], cursor: afterDearest } } });
check(bound.response.status === 400 && bound.error?.code === 400, 'a cursor of another ordering is a typed 400');

const detail = await client.GET('/api/v1/products/{id}', { params: { path: { id } } });
check(detail.data?.name === 'Lamp' && detail.data.price === '12.50', 'detail');
const missing = await client.GET('/api/v1/products/{id}', { params: { path: { id: 999_999 } } });
check(missing.response.status === 404 && missing.error?.code === 404, 'a missing product is a typed 404');

// an order, then every validation error the order endpoint gives, read as typed field errors
const order = await client.POST('/api/v1/orders', { body: { product_id: id, quantity: 1, shipping_address: '1 Main St' }, ...staff });
check(order.response.status === 201 && order.data?.product_name === 'Lamp', `order answered ${order.response.status}`);
const fieldErrors = async (body: { product_id: number; quantity: number; shipping_address: string }, field: string): Promise<string[]> => {
  const { error, response } = await client.POST('/api/v1/orders', { body, ...staff });
  check(response.status === 400 && error !== undefined, `expected a 400, got ${response.status}`);
  const errors = error.errors;
  check(!('detail' in errors), 'field errors, not a detail');
  return errors[field] ?? [];
};
check((await fieldErrors({ product_id: id, quantity: 0, shipping_address: 'x' }, 'quantity'))[0] === 'Quantity must be at least 1.', 'quantity 0');
check((await fieldErrors({ product_id: id, quantity: 101, shipping_address: 'x' }, 'quantity'))[0] === 'Maximum order quantity is 100.', 'quantity 101');
check((await fieldErrors({ product_id: id, quantity: 50, shipping_address: 'x' }, 'quantity'))[0] === 'Insufficient stock for this product.', 'stock');
check((await fieldErrors({ product_id: 999_999, quantity: 1, shipping_address: 'x' }, 'product_id'))[0] === 'Invalid pk "999999" - object does not exist.', 'unknown product');

// 401 with a token that is not valid (and without one, directly); 403 for a user who is not staff
const badToken = await client.GET('/api/v1/me', { headers: { Authorization: 'Bearer not.a.token' } });
check(badToken.response.status === 401 && badToken.error !== undefined && 'detail' in badToken.error.errors, 'a bad token is a 401');
check(badToken.error.errors.code === 'token_not_valid', 'with its machine code');
if (!throughProxy) {
  const anonymous = await client.GET('/api/v1/me');
  check(anonymous.response.status === 401 && anonymous.error?.code === 401, 'no token is a 401');
}
const plain = await client.POST('/api/token', { body: { username: plainUsername, password: plainPassword } });
check(plain.data !== undefined, 'the plain user logs in');
const forbidden = await client.POST('/api/v1/products', { body: { name: 'Rug', price: '1.00', stock: 1 }, headers: { Authorization: `Bearer ${plain.data.access}` } });
check(forbidden.response.status === 403, `a plain user creating a product: ${forbidden.response.status}`);

// 429: wrong passwords until the login scope is spent (the server runs with THROTTLE_LOGIN=5/minute)
let throttled = false;
for (let attempt = 0; attempt < 10 && !throttled; attempt += 1) {
  const guess = await client.POST('/api/token', { body: { username, password: `wrong-${attempt}` } });
  throttled = guess.response.status === 429;
  check(throttled || guess.response.status === 401, `a wrong password: ${guess.response.status}`);
  if (throttled) check(Number(guess.response.headers.get('retry-after')) > 0 && guess.error?.code === 429, 'a typed 429 with Retry-After');
}
check(throttled, 'logins are throttled');
console.log('client journey: ok');
