import { describe, expect, it } from 'vitest';
import { detectPackageManager, installCommand, installInvocation, runScriptCommand } from '../../src/util/package-manager.js';

describe('package manager', () => {
  it.each([
    ['npm/10.8.2 node/v20.12.0 linux x64 workspaces/false', 'npm'],
    ['pnpm/9.1.0 npm/? node/v20.12.0 linux x64', 'pnpm'],
    ['yarn/1.22.19 npm/? node/v20.12.0 darwin arm64', 'yarn'],
    ['bun/1.1.0 npm/? node/v21.6.0 linux x64', 'bun'],
    ['cnpm/9.0.0 node/v20', 'npm'],
    [undefined, 'npm'],
  ])('detects %s as %s', (agent, expected) => {
    expect(detectPackageManager(agent)).toBe(expected);
  });

  it('knows how each one installs and runs scripts', () => {
    expect(['npm', 'pnpm', 'yarn', 'bun'].map((pm) => installCommand(pm as 'npm'))).toEqual([
      'npm install',
      'pnpm install',
      'yarn',
      'bun install',
    ]);
    expect(['npm', 'pnpm', 'yarn', 'bun'].map((pm) => runScriptCommand(pm as 'npm'))).toEqual(['npm run', 'pnpm', 'yarn', 'bun run']);
    expect(installInvocation('yarn')).toEqual(['yarn', []]);
    expect(installInvocation('pnpm')).toEqual(['pnpm', ['install']]);
  });
});
