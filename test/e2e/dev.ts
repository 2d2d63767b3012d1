// `npm run dev` as a person runs it (.env, written by create, holds the database and the JWT secret; a test may
// point DATABASE_URL at a database that does not exist yet, which dev creates), then `npx create-prod-api
// add-resource` while it runs: the new routes answer, their table migrated, with no restart by hand.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { freePort, projectCli } from './support.js';

export async function devServesAddedResource(project: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const port = await freePort();
  const dev = execa('npm', ['run', 'dev'], {
    cwd: project,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    reject: false,
    all: true,
    detached: true,
  });
  let output = '';
  dev.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const status = async (route: string) => (await fetch(`http://127.0.0.1:${port}${route}`).catch(() => undefined))?.status;
  const until = async (route: string, expected: number) => {
    for (let i = 0; i < 150 && (await status(route)) !== expected; i++) await new Promise((resolve) => setTimeout(resolve, 200));
    return status(route);
  };
  try {
    expect(await until('/health/live', 200), output).toBe(200);
    // one "listening" line (Fastify's own is not logged), JSON when the output is not a terminal
    expect(
      output.split('\n').filter((line) => /listening/i.test(line)),
      output,
    ).toEqual([expect.stringContaining('"msg":"listening"')]);
    const added = await projectCli(project, ['add-resource', 'tag', '--fields', 'name:string']);
    // the version it went into (the newest not deprecated) serves it, its table migrated
    const [version] = (await readdir(path.join(project, 'src/resources/tags'))).filter((name) => /^v\d+$/.test(name));
    // and the command's last line said where
    expect(added).toContain(`a running npm run dev has applied the migration and serves it already at /api/${version}/tags.`);
    expect(await until(`/api/${version}/tags`, 200), output).toBe(200);
  } finally {
    // tsx watch and the server it runs: the whole process group
    if (dev.pid) process.kill(-dev.pid, 'SIGTERM');
    await dev;
  }
}
