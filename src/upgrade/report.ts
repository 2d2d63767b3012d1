// The upgrade's one screen: what happened to which file, grouped, and the new
// settings and migration, so a reviewer knows where to look before committing.
import type { FileAction } from './plan.js';

export interface UpgradeSummary {
  readonly from: string;
  readonly to: string;
  readonly actions: readonly FileAction[];
  /** settings .env.example gained (they have defaults; .env is never touched) */
  readonly newSettings: readonly string[];
  /** what the releases' upgrade steps did (src/upgrade/migrations) */
  readonly steps: readonly string[];
  /** the migration files drizzle-kit made for a changed schema */
  readonly migration: readonly string[];
  /** how to make the migration when drizzle-kit could not run here */
  readonly migrationCommand?: string;
}

const MAX_LISTED = 12;

function group(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, MAX_LISTED).map((item) => `    ${item}`);
  const more = items.length > MAX_LISTED ? [`    ... and ${items.length - MAX_LISTED} more (git status lists them all)`] : [];
  return [`  ${title} (${items.length}):`, ...shown, ...more];
}

export function reportLines(summary: UpgradeSummary): string[] {
  const of = (kind: FileAction['kind']) => summary.actions.filter((action) => action.kind === kind);
  const moved = of('moved') as Extract<FileAction, { kind: 'moved' }>[];
  const conflicts = [
    ...of('conflict').map((action) => action.path),
    ...moved.filter((action) => action.stages).map((action) => action.path),
  ];
  return [
    ...group('conflicts, to resolve', conflicts),
    ...group(
      'merged with your changes',
      of('merged').map((action) => action.path),
    ),
    ...group(
      'updated (you had not changed them)',
      of('updated').map((action) => action.path),
    ),
    ...group(
      'added',
      of('added').map((action) => action.path),
    ),
    ...group(
      'moved, with your changes',
      moved.map((action) => `${action.from} -> ${action.path}`),
    ),
    ...group(
      'removed (no longer generated, unchanged by you)',
      of('removed').map((action) => action.path),
    ),
    ...group(
      'kept: no longer generated, but you changed them',
      of('kept-changed').map((action) => action.path),
    ),
    ...group(
      'kept deleted (upgrade --restore <path> brings one back)',
      of('kept-deleted').map((action) => action.path),
    ),
    ...group("changed by the releases' upgrade steps (see CHANGELOG.md)", summary.steps),
    ...group('new migration', summary.migration),
    ...(summary.migrationCommand
      ? [`  the tables changed: after \`npm install\`, run \`${summary.migrationCommand}\` for their migration`]
      : []),
    ...group('settings .env.example now names (their defaults apply; .env was not touched)', summary.newSettings),
  ];
}

/** The settings an .env.example names (`NAME=` or `# NAME=`). */
export function settingsOf(envExample: string | undefined): Set<string> {
  return new Set([...(envExample ?? '').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!));
}
