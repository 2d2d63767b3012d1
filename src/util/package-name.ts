import validate from 'validate-npm-package-name';

/** Lower-cased, spaces to dashes, no leading dot or underscore, only URL-safe characters. */
export function suggestPackageName(name: string): string {
  const cleaned = name
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/^[._]+/, '')
    .replace(/[^a-z\d\-~._]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  // Core module names ("http") and blacklisted names stay invalid after
  // cleaning; a suffix makes them valid and still recognisable.
  if (cleaned === '') return 'my-api';
  return validate(cleaned).validForNewPackages ? cleaned : `${cleaned}-api`;
}

/** Why `name` cannot be a new npm package name, or undefined when it can. */
export function packageNameProblem(name: string): string | undefined {
  const result = validate(name);
  if (result.validForNewPackages) return undefined;
  return [...(result.errors ?? []), ...(result.warnings ?? [])].join('; ');
}

/** The one-line refusal, with the reason and a name that would work. */
export function invalidNameMessage(name: string): string {
  return `"${name}" is not a valid npm package name (${packageNameProblem(name)}); try "${suggestPackageName(name)}".`;
}
