// THE option table. Commander flags, clack prompts, defaults, help text and
// validation are all derived from the rows below, so adding an option means
// adding one row (and, if it changes the output, a feature).
import { Option as CommanderOption, type Command } from 'commander';
import { UsageError } from './errors.js';
import { PACKAGE_MANAGERS, detectPackageManager } from './util/package-manager.js';

export interface Choice<V extends string = string> {
  readonly value: V;
  readonly label: string;
  readonly hint?: string;
}

/** "This option only makes sense when `option` is one of `equals`", and why. */
export interface Requirement {
  readonly option: string;
  readonly equals: readonly string[];
  readonly why: string;
}

/**
 * How an option is part of the project's spec: what its manifest's `options` and its create log (the command an
 * upgrade replays) record. `always`: every project records it; `when-on`: a toggle recorded only when on, so a log
 * without it replays on a generator older than the option. Options without it (install, git, ...) shape one run
 * of the command, not the project.
 */
export type Recorded = 'always' | 'when-on';

interface BaseDef<Id extends string> {
  readonly id: Id;
  /** Long flag without dashes; commander camel-cases it back to `id`. */
  readonly flag: string;
  readonly short?: string;
  readonly description: string;
  /** Options without a question are never prompted for (flag or default only). */
  readonly question?: string;
  readonly requires?: Requirement;
  readonly recorded?: Recorded;
}

export interface SelectDef<Id extends string = string, V extends string = string> extends BaseDef<Id> {
  readonly kind: 'select';
  /** Placeholder in `--flag <valueName>`. */
  readonly valueName: string;
  readonly choices: readonly Choice<V>[];
  readonly default: V | ((env: NodeJS.ProcessEnv) => V);
  /** Help text for a computed default. */
  readonly defaultHelp?: string;
}

export interface ToggleDef<Id extends string = string> extends BaseDef<Id> {
  readonly kind: 'toggle';
  /** Also accept `--no-<flag>`. */
  readonly negatable: boolean;
  /** Default when the requirement holds; false otherwise. */
  readonly default: boolean;
}

export type OptionDef = SelectDef | ToggleDef;

// Helpers that keep the literal types of ids and values, so `Options` below
// is exact without repeating any value.
// `recorded` keeps its literal too (absent: undefined), so the type of a project's options is read off the rows.
function select<const Id extends string, const V extends string, const R extends Recorded | undefined = undefined>(
  def: Omit<SelectDef<Id, V>, 'kind' | 'recorded'> & { recorded?: R },
): SelectDef<Id, V> & { recorded: R } {
  return { kind: 'select', ...def } as SelectDef<Id, V> & { recorded: R };
}
function toggle<const Id extends string, const R extends Recorded | undefined = undefined>(
  def: Omit<ToggleDef<Id>, 'kind' | 'recorded'> & { recorded?: R },
): ToggleDef<Id> & { recorded: R } {
  return { kind: 'toggle', ...def } as ToggleDef<Id> & { recorded: R };
}

export const OPTION_TABLE = [
  select({
    id: 'framework',
    recorded: 'always',
    flag: 'framework',
    valueName: 'name',
    description: 'HTTP framework (only the adapter differs)',
    question: 'Which HTTP framework?',
    choices: [
      { value: 'fastify', label: 'Fastify' },
      { value: 'express', label: 'Express', hint: 'Express 5' },
      { value: 'hono', label: 'Hono', hint: 'on @hono/node-server' },
    ],
    default: 'fastify',
  }),
  select({
    id: 'database',
    recorded: 'always',
    flag: 'database',
    valueName: 'name',
    description: 'database',
    question: 'Which database?',
    choices: [
      { value: 'sqlite', label: 'SQLite', hint: 'a file, nothing to run' },
      { value: 'postgres', label: 'PostgreSQL', hint: 'needs a server' },
      { value: 'mysql', label: 'MySQL', hint: 'or MariaDB; needs a server' },
    ],
    default: 'sqlite',
  }),
  select({
    id: 'auth',
    recorded: 'always',
    flag: 'auth',
    valueName: 'kind',
    description: 'authentication',
    question: 'Authentication?',
    choices: [
      { value: 'jwt', label: 'JWT', hint: 'own users: access + rotating refresh tokens' },
      { value: 'oidc', label: 'OpenID Connect', hint: "your identity provider's tokens (Keycloak, Auth0, Okta, Entra ID...)" },
      { value: 'none', label: 'None', hint: 'every route public' },
    ],
    default: 'jwt',
  }),
  select({
    id: 'pagination',
    recorded: 'always',
    flag: 'pagination',
    valueName: 'kind',
    description: 'default list pagination for new resources',
    question: 'Default pagination for new resources?',
    choices: [
      { value: 'cursor', label: 'Cursor', hint: 'stable under inserts' },
      { value: 'offset', label: 'Limit/offset', hint: 'page numbers' },
    ],
    default: 'cursor',
  }),
  toggle({
    id: 'example',
    recorded: 'always',
    flag: 'example',
    negatable: true,
    description: 'add the products/orders example resources',
    question: 'Add the example resources (products and orders)?',
    default: true,
    requires: { option: 'auth', equals: ['jwt', 'oidc'], why: "the example's orders belong to users" },
  }),
  toggle({
    id: 'apiKeys',
    recorded: 'when-on',
    flag: 'api-keys',
    negatable: true,
    description: 'API keys for machine clients (apikey:create, X-API-Key)',
    question: 'Add API keys for machine clients (CI jobs, partners)?',
    default: false,
    requires: { option: 'auth', equals: ['jwt', 'oidc'], why: "a key acts as one of the API's users" },
  }),
  select({
    id: 'packageManager',
    recorded: 'always',
    flag: 'package-manager',
    valueName: 'name',
    description: 'package manager for install and scripts',
    choices: PACKAGE_MANAGERS.map((value) => ({ value, label: value })),
    default: (env) => detectPackageManager(env.npm_config_user_agent),
    defaultHelp: 'the one that ran us, else npm',
  }),
  toggle({
    id: 'install',
    flag: 'install',
    negatable: true,
    description: 'install dependencies',
    question: 'Install dependencies?',
    default: true,
  }),
  toggle({
    id: 'git',
    flag: 'git',
    negatable: true,
    description: 'git init and a first commit',
    question: 'Initialize a git repository?',
    default: true,
  }),
  toggle({ id: 'yes', flag: 'yes', short: 'y', negatable: false, description: 'take defaults for everything not given', default: false }),
  toggle({ id: 'dryRun', flag: 'dry-run', negatable: false, description: 'print the files it would write, write nothing', default: false }),
  toggle({ id: 'force', flag: 'force', negatable: false, description: 'write into a non-empty directory (never deletes)', default: false }),
] as const;

type Row = (typeof OPTION_TABLE)[number];
type ValueOf<D> = D extends SelectDef<string, infer V> ? V : D extends ToggleDef ? boolean : never;

/** Every option, resolved. */
export type Options = { -readonly [D in Row as D['id']]: ValueOf<D> };
export type OptionId = keyof Options;
/** What flags settled; undefined means "not given". */
export type GivenOptions = Partial<Options>;

export const OPTION_DEFS: readonly OptionDef[] = OPTION_TABLE;

/** The ids of the options a project is made of (rows with `recorded`). */
export type ProjectOptionId = Extract<Row, { recorded: Recorded }>['id'];
/** What a project is made of: the recorded options' values. */
export type ProjectOptions = Pick<Options, ProjectOptionId>;

type WhenOnId = Extract<Row, { recorded: 'when-on' }>['id'];
/** A project's options as its manifest holds them: a `when-on` toggle absent when off (or older than the option). */
export type RecordedOptions = Omit<ProjectOptions, WhenOnId> & Partial<Pick<ProjectOptions, WhenOnId>>;

/** The rows a project records, in table order. */
export const PROJECT_OPTION_DEFS: readonly OptionDef[] = OPTION_DEFS.filter((def) => def.recorded !== undefined);

/**
 * A project's spec, from the table: the manifest's `options` (table order; a `when-on` toggle only when on) and the
 * create log's arguments after the name (each select as `--flag value`, then each toggle as `--flag` or
 * `--no-flag`, a `when-on` one only when on). Replaying the arguments makes the same options again.
 */
export function projectSpec(options: ProjectOptions): { options: RecordedOptions; args: string[] } {
  const values = options as Record<string, string | boolean>;
  const recorded = PROJECT_OPTION_DEFS.filter((def) => def.recorded === 'always' || values[def.id] === true);
  const args = [
    ...recorded.flatMap((def) => (def.kind === 'select' ? [flagOf(def), String(values[def.id])] : [])),
    ...recorded.flatMap((def) => (def.kind === 'toggle' ? [values[def.id] ? flagOf(def) : `--no-${def.flag}`] : [])),
  ];
  return { options: Object.fromEntries(recorded.map((def) => [def.id, values[def.id]!])) as RecordedOptions, args };
}

export function findOption(id: string): OptionDef | undefined {
  return OPTION_DEFS.find((def) => def.id === id);
}

function flagOf(def: OptionDef): string {
  return `--${def.flag}`;
}

export function allowedValues(def: SelectDef): string[] {
  return def.choices.map((c) => c.value);
}

export function defaultValue(def: OptionDef, env: NodeJS.ProcessEnv): string | boolean {
  return typeof def.default === 'function' ? def.default(env) : def.default;
}

/** The help line suffix, e.g. "(default: fastify)". */
export function helpSuffix(def: OptionDef): string {
  const parts: string[] = [];
  if (def.kind === 'select') {
    parts.push(`default: ${def.defaultHelp ?? String(def.default)}`);
  } else if (def.negatable) {
    parts.push(`default: ${def.default ? 'on' : 'off'}`);
  }
  if (def.requires) parts.push(`needs --${findOption(def.requires.option)?.flag} ${def.requires.equals.join(' or ')}`);
  return parts.length > 0 ? `(${parts.join('; ')})` : '';
}

/** Whether the option applies given the values known so far; undefined while its input is unknown. */
export function requirementHolds(def: OptionDef, values: GivenOptions): boolean | undefined {
  if (!def.requires) return true;
  const actual = values[def.requires.option as OptionId];
  return actual === undefined ? undefined : def.requires.equals.includes(String(actual));
}

function requirementError(def: OptionDef): UsageError {
  const req = def.requires!;
  const reqFlag = `--${findOption(req.option)?.flag}`;
  return new UsageError(
    `${flagOf(def)} needs ${reqFlag} ${req.equals.join(' or ')}: ${req.why}. Drop ${flagOf(def)} or use ${reqFlag} ${req.equals.join(' or ')}.`,
  );
}

/**
 * Checks the values settled so far (flags, or flags plus answers): every
 * chosen value is allowed, and no option is turned on without what it needs.
 * Called before prompting, so a bad flag fails before any question.
 */
export function validateOptions(values: GivenOptions): void {
  for (const def of OPTION_DEFS) {
    const value = values[def.id as OptionId];
    if (value === undefined) continue;
    if (def.kind === 'select') {
      const choice = def.choices.find((c) => c.value === value);
      if (!choice) {
        throw new UsageError(`${flagOf(def)} ${String(value)} is not valid; allowed: ${allowedValues(def).join(', ')}.`);
      }
    }
    if (value === true && requirementHolds(def, values) === false) throw requirementError(def);
  }
}

/**
 * The value an option takes when nobody answers it: its default, or off when
 * its requirement does not hold (`--auth none` means no example).
 */
export function fallbackValue(def: OptionDef, values: GivenOptions, env: NodeJS.ProcessEnv): string | boolean {
  if (requirementHolds(def, values) === false) return false;
  return defaultValue(def, env);
}

/**
 * Registers every row as a commander flag. No commander defaults: an option
 * missing from `opts()` was not given, which is what prompts need to know.
 */
export function addOptionFlags(command: Command): Command {
  for (const def of OPTION_DEFS) {
    const names = def.short ? `-${def.short}, ${flagOf(def)}` : flagOf(def);
    const description = [def.description, helpSuffix(def)].filter(Boolean).join(' ');
    if (def.kind === 'select') {
      command.addOption(new CommanderOption(`${names} <${def.valueName}>`, description).choices(def.choices.map((c) => c.value)));
    } else {
      command.addOption(new CommanderOption(names, description));
      if (def.negatable) command.addOption(new CommanderOption(`--no-${def.flag}`, `skip ${flagOf(def)}`));
    }
  }
  return command;
}
