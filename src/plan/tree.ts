// The project as data: every file the generator will write, before anything
// touches the disk. Dry-run prints it, commit writes it.
import path from 'node:path';

export type FileContent = string | Buffer;

export interface FileEntry {
  readonly content: FileContent;
  /** Permission bits (e.g. 0o755 for scripts); default is the umask's. */
  readonly mode?: number;
}

/** A tree-relative posix path: no leading slash, no `..`, no `.` segments. */
export function normalizeTreePath(filePath: string): string {
  const normalized = path.posix.normalize(filePath.replaceAll('\\', '/'));
  if (normalized.startsWith('/') || normalized === '..' || normalized.startsWith('../') || normalized === '.') {
    throw new Error(`FileTree paths must stay inside the project: ${JSON.stringify(filePath)}`);
  }
  return normalized.replace(/\/$/, '');
}

function isContent(value: FileEntry | FileContent): value is FileContent {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

export class FileTree {
  readonly #files = new Map<string, FileEntry>();

  /** Adds or replaces a file: `set(path, content)` or `set(path, { content, mode })`. */
  set(filePath: string, file: FileEntry | FileContent): this {
    this.#files.set(normalizeTreePath(filePath), isContent(file) ? { content: file } : { ...file });
    return this;
  }

  get(filePath: string): FileEntry | undefined {
    return this.#files.get(normalizeTreePath(filePath));
  }

  has(filePath: string): boolean {
    return this.#files.has(normalizeTreePath(filePath));
  }

  delete(filePath: string): boolean {
    return this.#files.delete(normalizeTreePath(filePath));
  }

  /** Every path, sorted, so output and snapshots do not depend on insertion order. */
  paths(): string[] {
    return [...this.#files.keys()].sort();
  }

  /** [path, entry] pairs in `paths()` order. */
  entries(): [string, FileEntry][] {
    return this.paths().map((p) => [p, this.#files.get(p)!]);
  }

  get size(): number {
    return this.#files.size;
  }
}

export function byteSize(content: FileContent): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.length;
}
