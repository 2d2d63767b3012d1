import { copyFile, mkdtemp } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { ROOT } from '../cli/helpers.js';

/** `npm pack` of this repository into a temp folder: the exact tarball a user would get from the registry. */
export async function packTarball(): Promise<string> {
  const destination = await mkdtemp(path.join(os.tmpdir(), 'cpa-pack-'));
  const { stdout } = await execa('npm', ['pack', '--json', '--pack-destination', destination], { cwd: ROOT });
  const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
  return path.join(destination, filename);
}

/**
 * As a user would: `npx ./create-prod-api-<version>.tgz my-api`, with the generator's own install step.
 * --no-git keeps the run independent of the machine's git identity.
 */
export async function generateProject(
  tarball: string,
  name: string,
  flags: string[],
  options: { install?: boolean } = {},
): Promise<string> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'cpa-e2e-'));
  await copyFile(tarball, path.join(parent, path.basename(tarball)));
  const args = ['--yes', `./${path.basename(tarball)}`, name, '--yes', '--no-git', ...flags];
  // the project depends on the generator that made it: here that is the tarball, as it is not on the registry
  const spec = `file:${path.join(parent, path.basename(tarball))}`;
  const result = await execa('npx', args, { cwd: parent, reject: false, all: true, env: { CI: 'true', CREATE_PROD_API_SPEC: spec } });
  if (result.exitCode !== 0) throw new Error(`create failed (exit ${result.exitCode}):\n${result.all}`);
  if (options.install !== false && !result.all.includes('Installed dependencies'))
    throw new Error(`create did not install:\n${result.all}`);
  return path.join(parent, name);
}

/**
 * `npx create-prod-api …` inside a generated project, as its README says, with no registry reachable: npx must run
 * the project's own copy (its dev dependency), the version that made it.
 */
export function projectCli(project: string, args: string[]): Promise<string> {
  return inProject(project, 'npx', ['--no', '--', 'create-prod-api', ...args], {
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_offline: 'true',
  });
}

/** The project's own tests, `times` in a row: a test that fails one run in five fails here, not for a user. */
export async function testsInARow(project: string, times: number, env: NodeJS.ProcessEnv = {}): Promise<void> {
  for (let run = 1; run <= times; run++) {
    try {
      await inProject(project, 'npm', ['test'], env);
    } catch (error) {
      throw new Error(`npm test, run ${run} of ${times} in a row: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Runs a command in a project, failing the test with its output when it fails. */
export async function inProject(cwd: string | undefined, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  // without this, a failed generation would run `npm test` in this repository: a recursion of the whole suite
  if (!cwd) throw new Error('no generated project: an earlier step failed');
  const result = await execa(command, args, { cwd, env: { ...env, CI: 'true' }, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.exitCode}) in ${cwd}:\n${result.all}`);
  return result.all ?? '';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface RunningServer {
  url: string;
  process: ResultPromise;
  output: () => string;
}

/** Starts `node dist/server.js` and waits until /health/live answers. */
export async function startServer(cwd: string, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  let output = '';
  // REDIS_URL only when a test gives one: a Redis in the environment (CI exports one) would share throttle counts
  // between unrelated test servers
  // ALLOWED_HOSTS: production serves only the hosts it is told of; the tests call it as 127.0.0.1
  const child = execa('node', ['dist/server.js'], {
    cwd,
    env: { REDIS_URL: '', ALLOWED_HOSTS: '127.0.0.1', ...env, PORT: String(port), HOST: '127.0.0.1' },
    reject: false,
    all: true,
  });
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/health/live`)).ok) return { url, process: child, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start on ${url}:\n${output}`);
}

/**
 * A client that sends half a request and waits: what must not hold a server's shutdown, nor make it exit 1. Half the
 * headers, or (`body`) whole headers and 10 of the 100 bytes of body they announce.
 */
export async function openHalfSentRequest(url: string, part: 'headers' | 'body' = 'headers'): Promise<Socket> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {}); // the server cuts it
  socket.write(
    part === 'headers'
      ? 'GET /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\n'
      : 'POST /api/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username"',
  );
  return socket;
}

/** SIGTERM, and how the process ended and how long it took. */
export async function stopServer(server: RunningServer): Promise<{ exitCode: number | undefined; ms: number }> {
  const started = Date.now();
  server.process.kill('SIGTERM');
  const result = await server.process;
  return { exitCode: result.exitCode, ms: Date.now() - started };
}

/**
 * A TCP proxy in front of a database server, so a test can take the database
 * "down" (refuse and cut connections) and bring it back, without touching the
 * shared server itself.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

/** The database servers the e2e tests use (POSTGRES_URL / MYSQL_URL, defaulting to this machine's). */
export const SERVERS = {
  postgres: process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  mysql: process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
  redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
} as const;

/** Creates or drops a database with the project's own driver, so the test needs no database client installed. */
export async function adminStatement(project: string, database: 'postgres' | 'mysql', statement: string): Promise<void> {
  const script =
    database === 'postgres'
      ? `const pg = require('pg'); const c = new pg.Client({ connectionString: process.env.SERVER_URL }); c.connect().then(() => c.query(process.env.STATEMENT)).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });`
      : `require('mysql2/promise').createConnection({ uri: process.env.SERVER_URL }).then((c) => c.query(process.env.STATEMENT).then(() => c.end())).catch((e) => { console.error(e.message); process.exit(1); });`;
  await inProject(project, 'node', ['-e', script], { SERVER_URL: SERVERS[database], STATEMENT: statement });
}

export function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A redis-server of a test's own on a spare port (keeps nothing on disk), to stop and start at will. */
export class RedisServer {
  private process: ResultPromise | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.process = execa('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      reject: false,
    });
    for (let attempt = 0; attempt < 50; attempt++) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(this.port, '127.0.0.1', () => resolve(socket.destroy() === socket));
        socket.on('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis-server did not start on port ${this.port}`);
  }

  async stop(): Promise<void> {
    if (!this.process) return;
    this.process.kill('SIGTERM');
    await this.process;
    this.process = undefined;
  }
}
