import { rename } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, runCli, tempDir } from './helpers.js';

// The compose file of a server-database project, checked by Compose itself (`docker-compose config` validates it
// against the Compose specification without a Docker engine): with the .env create writes, and without one, where
// `docker compose up -d db redis` must still work.
describe.each(['postgres', 'mysql'])('docker-compose.yml of a %s project', (database) => {
  let project: string;
  beforeAll(async () => {
    assertBuilt();
    const cwd = await tempDir();
    const result = await runCli(['api', '--yes', '--no-install', '--no-git', '--database', database], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    project = path.join(cwd, 'api');
  });

  const config = (args: string[] = []) => execa('docker-compose', ['config', ...args], { cwd: project, env: cleanEnv(), reject: false });

  it('is valid with the .env create wrote, which gives the API its JWT_SECRET', async () => {
    const result = await config();
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/JWT_SECRET: \S{32,}/);
    expect(result.stdout).toMatch(/replicas: 2/);
  });

  it('is valid without an .env: the database and Redis alone need no secret', async () => {
    await rename(path.join(project, '.env'), path.join(project, '.env.aside'));
    try {
      const result = await config(['-q']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect((await config(['--services'])).stdout.split('\n')).toEqual(expect.arrayContaining(['db', 'redis', 'migrate', 'api', 'proxy']));
    } finally {
      await rename(path.join(project, '.env.aside'), path.join(project, '.env'));
    }
  });
});

describe('docker-compose.yml of an --auth oidc project', () => {
  it('passes the identity provider from .env or the environment to the API, and no JWT secret', async () => {
    assertBuilt();
    const cwd = await tempDir();
    const result = await runCli(['api', '--yes', '--no-install', '--no-git', '--database', 'postgres', '--auth', 'oidc'], { cwd });
    expect(result.exitCode, result.stderr).toBe(0);
    const env = { ...cleanEnv(), OIDC_ISSUER: 'https://keycloak.example.com/realms/main', OIDC_AUDIENCE: 'orders-api' };
    const config = await execa('docker-compose', ['config'], { cwd: path.join(cwd, 'api'), env, reject: false });
    expect(config.exitCode, config.stderr).toBe(0);
    expect(config.stdout).toContain('OIDC_ISSUER: https://keycloak.example.com/realms/main');
    expect(config.stdout).toContain('OIDC_AUDIENCE: orders-api');
    expect(config.stdout).not.toContain('JWT_SECRET');
  });
});
