import semver from 'semver';

/**
 * Why this Node cannot run Parley, in one line, or undefined when it can. `range` is package.json's
 * `engines.node`, the same range npm checks and the README states.
 */
export function nodeVersionProblem(version, range) {
  if (semver.satisfies(version, range)) return undefined;
  return `parley: Node ${version} is not supported; Parley needs Node ${range} (see the README's Quick start)`;
}
