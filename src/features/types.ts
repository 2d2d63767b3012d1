import type { ResourceRecord } from '../project/manifest.js';

/** A dependency range, by package name. */
export type Dependencies = Readonly<Record<string, string>>;

/**
 * What one option value adds to a project: whole template folders, package.json
 * entries, and entries in the project's named slots (the table index, the
 * versions registry, the migrations journal). Features never edit each other's files.
 */
export interface Feature {
  readonly id: string;
  /** folders under templates/ whose files are added as they are (later folders win on a clash) */
  readonly templates: readonly string[];
  readonly dependencies?: Dependencies;
  readonly devDependencies?: Dependencies;
  readonly scripts?: Readonly<Record<string, string>>;
  /** modules (from src/db/) whose tables go in the table index */
  readonly tables?: readonly string[];
  /** route factories to list in the versions registry */
  readonly routes?: readonly { version: string; name: string; from: string }[];
  /** drizzle migrations this feature's templates hold, in order, as drizzle-kit recorded them */
  readonly migrations?: readonly { tag: string; when: number }[];
  /** the folder under templates/migrations/<dialect>/ holding them, when it is not the feature's id */
  readonly migrationsFrom?: string;
  /** resources it defines, recorded in the manifest so add-resource can refer to them (ref fields, test rows) */
  readonly resources?: Readonly<Record<string, ResourceRecord>>;
}
