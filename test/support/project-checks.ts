// What a generated or grown project's own CI runs, done inside the generator without an install: a typecheck against
// the generator's devDependencies (every package a project imports, at versions its ranges take) and ESLint with the
// project's own eslint.config.js less the rules that read types. The e2e runs the real `tsc` and `npm run lint` on
// installed projects; these catch the same mistakes in seconds.
import { ESLint, type Linter } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import tseslint from 'typescript-eslint';

/** Where a project must sit for its imports to resolve to the generator's node_modules. */
export const CHECKED = fileURLToPath(new URL('../../.tmp/checked/', import.meta.url));
export const TEMPLATE_ESLINT = fileURLToPath(new URL('../../templates/base/eslint.config.js', import.meta.url));

/** `tsc --noEmit` as the project's tsconfig.json says: each problem as `file:line message`. */
export function typeProblems(dir: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(dir, 'tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!config) throw new Error(`no tsconfig.json in ${dir}`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: true } });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const where = diagnostic.file
      ? `${path.relative(dir, diagnostic.file.fileName)}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start!).line + 1} `
      : '';
    return `${where}${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  });
}

/** ESLint over these files (path relative to the project -> text): each problem as `file:line:column message (rule)`. */
export async function lintProblems(files: Iterable<[string, string]>, cwd: string): Promise<string[]> {
  const config = ((await import(TEMPLATE_ESLINT)) as { default: Linter.Config[] }).default;
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [...config, tseslint.configs.disableTypeChecked] });
  const problems: string[] = [];
  for (const [file, text] of files) {
    if (!/\.(ts|js|mjs|cjs)$/.test(file)) continue;
    for (const result of await eslint.lintText(text, { filePath: path.join(cwd, file), warnIgnored: false })) {
      for (const message of result.messages)
        problems.push(`${file}:${message.line}:${message.column} ${message.message} (${message.ruleId})`);
    }
  }
  return problems;
}
