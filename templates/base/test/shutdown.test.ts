import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { expectError, startTestApp } from './support/app.js';
import { probeRegistry } from './support/probe.js';

/** A socket to the app, and everything it has answered so far. */
async function open(url: string): Promise<{ socket: Socket; answered: () => string; closed: Promise<void> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString()));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, answered: () => answer, closed };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
};

describe('shutdown', () => {
  it('a request already running is answered; a new one on its connection gets a 503 with Retry-After, then the close', async () => {
    const app = await startTestApp({ registry: probeRegistry() });
    const connection = await open(app.url);
    connection.socket.write('GET /api/v1/probe/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => app.http.inFlight() === 1);
    const closed = app.http.close();
    // the connection is busy, so it stays open: the next request on it arrives while the app drains
    connection.socket.write('GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await connection.closed;

    const [first, second] = connection.answered().split('HTTP/1.1 ').slice(1);
    expect(first).toMatch(/^200 /);
    expect(first).toContain('{"slow":true}');
    expect(second).toMatch(/^503 /);
    expect(second).toMatch(/\r\nretry-after: 5\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(second).toMatch(/\r\nx-request-id: \S+\r\n/i);
    expect(second).toMatch(/\r\nx-frame-options: DENY\r\n/i);
    const body = second!.slice(second!.indexOf('\r\n\r\n') + 4);
    await expectError({ status: Number(second!.slice(0, 3)), body }, 503, { detail: 'The server is shutting down; retry shortly.' });
    await closed;
    expect(app.http.inFlight()).toBe(0);
    await app.close();
  });

  it('a client that never finishes its request holds nothing: cut at the end of the grace period, nothing in flight', async () => {
    const app = await startTestApp({ registry: probeRegistry() });
    const half = await open(app.url);
    half.socket.write('GET /api/v1/probe/version HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    let done = false;
    const closed = app.http.close().then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // still waiting on the half-sent request: what the grace period is for
    expect(done).toBe(false);
    expect(app.http.inFlight()).toBe(0);
    app.http.closeAllConnections();
    await closed;
    await half.closed;
    expect(half.answered()).toBe('');
    await app.close();
  });

  it('connections waiting to be accepted when the close begins are answered (a 503), not reset', async () => {
    const app = await startTestApp({ registry: probeRegistry() });
    const { hostname, port } = new URL(app.url);
    const outcomes = Array.from(
      { length: 20 },
      () =>
        new Promise<string>((resolve) => {
          const socket = connect(Number(port), hostname);
          let answer = '';
          socket.on('connect', () => socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
          socket.on('data', (chunk) => (answer += chunk.toString()));
          socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
          socket.on('close', () => resolve(answer.split('\r\n')[0] || 'closed without an answer'));
        }),
    );
    // the connects go out (net.connect issues them on the next tick), and the kernel completes them on loopback; the
    // event loop does not turn, so the server has accepted none: all twenty wait in the listener's backlog
    await new Promise((resolve) => process.nextTick(resolve));
    const closed = app.http.close();
    expect(await Promise.all(outcomes)).toEqual(Array.from({ length: 20 }, () => 'HTTP/1.1 503 Service Unavailable'));
    await closed;
    await app.close();
  });

  it('a body still arriving is in flight but not running: the grace period ends it without losing a request', async () => {
    const app = await startTestApp({ registry: probeRegistry() });
    const half = await open(app.url);
    half.socket.write(
      'POST /api/v1/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":',
    );
    await until(() => app.http.inFlight() === 1);
    expect(app.http.inFlight()).toBe(1);
    expect(app.http.running()).toBe(0);
    const closed = app.http.close();
    app.http.closeAllConnections();
    await closed;
    await half.closed;
    await until(() => app.http.inFlight() === 0);
    expect(app.http.inFlight()).toBe(0);
    await app.close();
  });

  it('a request whose body has arrived is running until its answer has gone', async () => {
    const app = await startTestApp({ registry: probeRegistry() });
    const connection = await open(app.url);
    connection.socket.write('GET /api/v1/probe/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await until(() => app.http.running() === 1);
    expect(app.http.running()).toBe(1);
    await until(() => connection.answered().includes('{"slow":true}'));
    await until(() => app.http.running() === 0);
    expect(app.http.running()).toBe(0);
    connection.socket.end();
    await app.close();
  });
});
