// TEMPORARY stand-in until the real plan lands (it will overwrite this file):
// the smallest project create.ts can commit.
import type { Context } from '../context.js';
import { FileTree } from './tree.js';

export async function planProject(ctx: Context): Promise<FileTree> {
  return new FileTree().set('README.md', `# ${ctx.name}\n`);
}
