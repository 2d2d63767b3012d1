// --dry-run: the plan printed instead of written.
import type { Ui } from '../ui.js';
import { plural } from '../util/text.js';
import { byteSize, type FileTree } from './tree.js';

export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** One line per file: path, size, and "(overwrite)" for a file that exists already. */
export function formatPlan(tree: FileTree, overwrites: readonly string[]): string[] {
  const overwriting = new Set(overwrites);
  const width = Math.max(0, ...tree.paths().map((p) => p.length));
  return tree.entries().map(([filePath, file]) => {
    const size = formatSize(byteSize(file.content)).padStart(8);
    return `${filePath.padEnd(width)}  ${size}${overwriting.has(filePath) ? '  (overwrite)' : ''}`;
  });
}

export function totalSize(tree: FileTree): number {
  return tree.entries().reduce((sum, [, file]) => sum + byteSize(file.content), 0);
}

/** Prints the whole plan: where, how much, every file, and what would be overwritten. */
export function printPlan(
  ui: Pick<Ui, 'info' | 'message' | 'warn'>,
  tree: FileTree,
  targetDir: string,
  overwrites: readonly string[],
): void {
  ui.info(`Dry run: would write ${plural(tree.size, 'file')} (${formatSize(totalSize(tree))}) into ${targetDir}. Nothing was written.`);
  ui.message(formatPlan(tree, overwrites).join('\n'));
  if (overwrites.length > 0) ui.warn(`Would overwrite ${plural(overwrites.length, 'existing file')}: ${overwrites.join(', ')}`);
}
