import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvSchema, loadConfig as loadConfigFrom } from '../src/config.js';
import { REQUIRED_ENV } from './support/database.js';

// the project's database may require settings (a server URL); every case starts from them
const loadConfig = (env: Record<string, string>) => loadConfigFrom({ ...REQUIRED_ENV, ...env });

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('config', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.throttle).toMatchObject({
      anon: '100/hour',
      user: '1000/hour',
      login: '10/minute',
      login_user: '20/hour',
      refresh: '30/minute',
    });
    expect(config.bodyLimit).toBe(1_048_576);
    expect(config.trustProxy).toBe(false);
    expect(config.idempotencyTtlSeconds).toBe(24 * 3600);
  });

  it('IDEMPOTENCY_TTL is a duration above 0', () => {
    expect(loadConfig({ IDEMPOTENCY_TTL: '30m' }).idempotencyTtlSeconds).toBe(1800);
    expect(problemsOf({ IDEMPOTENCY_TTL: '0s' })).toEqual(['IDEMPOTENCY_TTL: expected a duration above 0, e.g. 24h']);
    expect(problemsOf({ IDEMPOTENCY_TTL: 'a day' })).toEqual(['IDEMPOTENCY_TTL: expected a duration such as 60m, 7d, 3600s']);
  });

  it('hosts: the local ones by default; production needs PUBLIC_URL or ALLOWED_HOSTS; a bad entry or HSTS value is one line', () => {
    expect(loadConfig({}).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(loadConfig({ ALLOWED_HOSTS: 'api.example.com, .example.org' }).allowedHosts).toEqual(['api.example.com', '.example.org']);
    expect(loadConfig({ PUBLIC_URL: 'https://api.example.com' }).allowedHosts).toBeNull();
    const production = { ...REQUIRED_ENV, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    expect(() => loadConfigFrom(production, { serving: true })).toThrow(
      'PUBLIC_URL or ALLOWED_HOSTS: production needs one: PUBLIC_URL=https://api.example.com (links are built on it) or ALLOWED_HOSTS=api.example.com (the hosts clients may name).',
    );
    // a command (db:migrate, user:create) serves no HTTP: it needs neither
    expect(loadConfigFrom(production).production).toBe(true);
    expect(loadConfigFrom({ ...production, PUBLIC_URL: 'https://api.example.com' }, { serving: true }).allowedHosts).toBeNull();
    expect(problemsOf({ ALLOWED_HOSTS: 'api.example.com,exa mple.com' })).toEqual([
      'ALLOWED_HOSTS: "exa mple.com" is not a host; give host names (api.example.com), .example.com for a domain and its subdomains, or *.',
    ]);
    expect(problemsOf({ HSTS: 'maybe' })).toEqual(['HSTS: expected true or false']);
    expect(problemsOf({ CORS_ORIGINS: 'https://app.example.com/,https://ok.example.com,HTTPS://Shout.example.com' })).toEqual([
      'CORS_ORIGINS: "https://app.example.com/" is not an origin as browsers send it; give scheme://host[:port], e.g. https://app.example.com.',
      'CORS_ORIGINS: "HTTPS://Shout.example.com" is not an origin as browsers send it; give scheme://host[:port], e.g. https://app.example.com.',
    ]);
    expect(problemsOf({ PUBLIC_URL: 'api.example.com' })[0]).toMatch(/^PUBLIC_URL: /);
    expect(loadConfig({ HSTS: 'true' }).hsts).toBe(true);
  });

  it('a bad variable does not hide the problems the others make together', () => {
    const problems = problemsOf({ PORT: 'eighty', METRICS: 'true' });
    expect(problems.find((line) => line.startsWith('PORT:'))).toBeDefined();
    expect(problems.find((line) => line.startsWith('METRICS_TOKEN:'))).toBeDefined();
    expect(problems).toHaveLength(2);
  });

  it('PUBLIC_URL is an http or https origin, never another scheme links would carry', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'ftp://api.example.com']) {
      expect(problemsOf({ PUBLIC_URL: url }), url).toEqual([expect.stringMatching(/^PUBLIC_URL: /)]);
    }
    expect(loadConfig({ PUBLIC_URL: 'https://api.example.com' }).publicUrl).toBe('https://api.example.com');
  });

  it('.env.example names every setting the app reads', () => {
    const example = readFileSync('.env.example', 'utf8');
    const named = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    expect(Object.keys(EnvSchema.shape).filter((key) => !named.has(key))).toEqual([]);
  });

  it('names every bad variable, one line each', () => {
    const problems = problemsOf({ PORT: 'eighty', THROTTLE_ANON: '100 per hour', LOG_LEVEL: 'loud' });
    expect(problems).toHaveLength(3);
    expect(problems.find((line) => line.startsWith('PORT:'))).toBeDefined();
    expect(problems.find((line) => line.startsWith('THROTTLE_ANON:'))).toContain('N/second|minute|hour|day');
    expect(problems.find((line) => line.startsWith('LOG_LEVEL:'))).toBeDefined();
  });

  it('reads TRUST_PROXY as off, a hop count or a list', () => {
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  it("refuses TRUST_PROXY=true: it would believe any client's X-Forwarded-For", () => {
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([expect.stringMatching(/^TRUST_PROXY: 'true' would believe any X-Forwarded-For/)]);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });
});
