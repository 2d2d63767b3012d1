// Templates look like the output: a file is copied byte for byte unless it
// ends in `.hbs`, in which case it is rendered and loses the suffix.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { FileContent } from './tree.js';

/**
 * Our own Handlebars environment, so helpers registered here never leak into
 * (or come from) another copy of Handlebars in the same process.
 */
export const handlebars = Handlebars.create();

// noEscape: we write code, not HTML. strict: a missing variable is a bug in
// the generator and must fail loudly rather than render as an empty string.
const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/** The values a template can see; `name` is also substituted for `__name__` in paths. */
export interface View {
  readonly name: string;
  readonly [key: string]: unknown;
}

export interface TemplateFile {
  /** Posix path relative to the template folder. */
  readonly path: string;
  readonly content: Buffer;
  /** Permission bits of the template file, so scripts stay executable. */
  readonly mode: number;
}

export interface OutputFile {
  readonly path: string;
  readonly content: FileContent;
}

/** Renders one template; errors name the template file. */
export function renderTemplate(source: string, view: object, templatePath: string): string {
  try {
    return handlebars.compile(source, COMPILE_OPTIONS)(view);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot render template ${templatePath}: ${reason}`, { cause: error });
  }
}

/** Every file under `absDir`, recursively, with posix relative paths, sorted. */
export async function readTemplateDir(absDir: string): Promise<TemplateFile[]> {
  const files: TemplateFile[] = [];
  async function walk(relDir: string): Promise<void> {
    const entries = await readdir(path.join(absDir, relDir), { withFileTypes: true });
    for (const entry of entries) {
      const rel = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      const abs = path.join(absDir, rel);
      if (entry.isDirectory()) {
        await walk(rel);
      } else {
        const [content, info] = await Promise.all([readFile(abs), stat(abs)]);
        files.push({ path: rel, content, mode: info.mode & 0o777 });
      }
    }
  }
  await walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// npm drops .gitignore (and may mangle other dotfiles) from published
// packages, so the templates store these under a leading underscore.
const DOTFILE_NAMES: Readonly<Record<string, string>> = {
  _gitignore: '.gitignore',
  '_env.example': '.env.example',
  '_spectral.yaml': '.spectral.yaml',
  _github: '.github',
};

/** Where a template path lands in the project: `.hbs` dropped, dotfiles restored, `__name__` filled. */
export function outputPath(templatePath: string, view: View): string {
  const withoutSuffix = templatePath.endsWith('.hbs') ? templatePath.slice(0, -'.hbs'.length) : templatePath;
  return withoutSuffix
    .split('/')
    .map((segment) => (DOTFILE_NAMES[segment] ?? segment).replaceAll('__name__', view.name))
    .join('/');
}

/** One template file -> one output file: `.hbs` rendered, anything else copied byte for byte. */
export function templateToOutput(templatePath: string, content: FileContent, view: View): OutputFile {
  const rendered = templatePath.endsWith('.hbs') ? renderTemplate(content.toString(), view, templatePath) : content;
  return { path: outputPath(templatePath, view), content: rendered };
}
