// The typed-client journey of issue 14: `npm run client:generate` in a generated project, a client program written
// against its types with openapi-fetch (test/e2e/client/journey.ts) compiled with `tsc --strict`, then run against
// the server directly and through Prism's proxy in --errors mode, where any real response the document does not
// allow fails the request.
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { ROOT } from '../cli/helpers.js';
import { startFresh, STAFF, USER } from './differential.js';
import { freePort, inProject, stopServer, type RunningServer } from './support.js';

/** Login throttling the journey spends at its end. */
const ENV = { THROTTLE_LOGIN: '5/minute' };

export async function typedClientJourney(project: string): Promise<void> {
  await inProject(project, 'npm', ['run', 'client:generate']);
  await cp(path.join(ROOT, 'test/e2e/client'), path.join(project, 'client-journey'), { recursive: true });
  await inProject(project, 'npx', ['tsc', '-p', 'client-journey']);
  const journey = (url: string, mode: 'direct' | 'proxy') =>
    inProject(project, 'npx', [
      'tsx',
      'client-journey/journey.ts',
      url,
      STAFF.username,
      STAFF.password,
      USER.username,
      USER.password,
      mode,
    ]);

  // directly (a fresh server each time: the journey spends the login quota)
  await withServer(project, (server) => journey(server.url, 'direct'));

  // through Prism, which checks every real answer against the version's document
  await withServer(project, async (server) => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'cpa-prism-'));
    const document = path.join(folder, 'v1.json');
    await writeFile(document, await (await fetch(`${server.url}/api/v1/openapi.json`)).text());
    const port = await freePort();
    // --validate-request=false: the journey's invalid requests must reach the server, whose answers are checked
    const prism = execa(
      path.join(ROOT, 'node_modules/.bin/prism'),
      ['proxy', '--errors', '--validate-request=false', '--host', '127.0.0.1', '--port', String(port), document, server.url],
      { reject: false, all: true },
    );
    let log = '';
    prism.all?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      await waitForListening(`http://127.0.0.1:${port}`, () => log);
      await journey(`http://127.0.0.1:${port}`, 'proxy').catch((error: Error) => {
        throw new Error(
          `${error.message}\nPrism:\n${log
            .split('\n')
            .filter((line) => /✖|violation/i.test(line))
            .join('\n')}`,
        );
      });
    } finally {
      prism.kill();
      await prism;
    }
  });
}

async function withServer(project: string, use: (server: RunningServer) => Promise<unknown>): Promise<void> {
  const server = await startFresh(project, ENV);
  try {
    await use(server);
  } finally {
    await stopServer(server);
  }
}

async function waitForListening(url: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`Prism did not start:\n${log()}`);
}
