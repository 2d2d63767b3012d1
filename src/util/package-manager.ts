export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

interface Commands {
  /** The whole install command, as a user would type it. */
  readonly install: string;
  /** The prefix that runs a package.json script. */
  readonly run: string;
}

const COMMANDS: Record<PackageManager, Commands> = {
  npm: { install: 'npm install', run: 'npm run' },
  pnpm: { install: 'pnpm install', run: 'pnpm' },
  yarn: { install: 'yarn', run: 'yarn' },
  bun: { install: 'bun install', run: 'bun run' },
};

function isPackageManager(value: string): value is PackageManager {
  return (PACKAGE_MANAGERS as readonly string[]).includes(value);
}

/**
 * The package manager that started us: `pnpm create prod-api` sets
 * npm_config_user_agent to e.g. "pnpm/9.1.0 npm/? node/v20.12.0 linux x64".
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0] ?? '';
  return isPackageManager(name) ? name : 'npm';
}

export function installCommand(pm: PackageManager): string {
  return COMMANDS[pm].install;
}

export function runScriptCommand(pm: PackageManager): string {
  return COMMANDS[pm].run;
}

/** The install command split for execa: file and arguments. */
export function installInvocation(pm: PackageManager): [file: string, args: string[]] {
  const [file, ...args] = installCommand(pm).split(' ');
  return [file!, args];
}
