// ts-morph over just the files an edit touches: an in-memory project that
// never follows imports (a default Project parses node_modules' types too,
// ~260 files and seconds for one small edit).
import { IndentationText, Project, QuoteKind, type SourceFile } from './ts-morph.js';

export interface Sources {
  /** The file's syntax tree, from its current text. */
  load(relPath: string, text: string): SourceFile;
}

export function openSources(): Sources {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    skipAddingFilesFromTsConfig: true,
    skipLoadingLibFiles: true,
    // what the project's Prettier settings write, so inserted code already looks like the rest
    manipulationSettings: { quoteKind: QuoteKind.Single, indentationText: IndentationText.TwoSpaces, useTrailingCommas: true },
  });
  return { load: (relPath, text) => project.createSourceFile(`/${relPath}`, text, { overwrite: true }) };
}
