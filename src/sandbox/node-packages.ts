/**
 * @module sandbox/node-packages
 * npm packages of zerr's own installation that a sandboxed node run may import (`SandboxRunRequest.nodePackages`):
 * the named packages and their runtime dependencies, found as node's resolver finds them (each package's own
 * `node_modules`, then those of the folders above it), and made readable read-only at `node_modules/<name>` of the
 * run's work folder. Only the project-level test run of a built service uses it (the generated server imports
 * Fastify); candidates of single tasks never get packages.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors/index.js';
import { SandboxUnavailableError } from './sandbox-unavailable-error.js';

/** One folder to make readable: a top-level package of the closure and where it appears in the work folder. */
export interface NodePackageMount {
  /** The package folder on the host (real path, symbolic links resolved). */
  readonly hostPath: string;
  /** Relative path in the work folder, e.g. `node_modules/fastify` or `node_modules/@fastify/error`. */
  readonly path: string;
}

/** zerr's own installation: the nearest folder above this module holding a `node_modules` folder. */
function engineRoot(): string {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'node_modules'))) return folder;
    if (dirname(folder) === folder) throw new InvalidArgumentError({ parameter: 'nodePackages', value: fileURLToPath(import.meta.url), expected: 'zerr installed with its node_modules folder' });
  }
}

interface PackageJson {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

/** The folder of package `name` as seen from `fromFolder` (its `node_modules`, then its ancestors'), if any. */
function lookUp(name: string, fromFolder: string): string | undefined {
  for (let folder = fromFolder; ; folder = dirname(folder)) {
    const candidate = join(folder, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(folder) === folder) return undefined;
  }
}

/**
 * The mounts that make `names` and their dependency closure (`dependencies`, and `optionalDependencies` that are
 * installed) importable from a work folder: one per package found in the installation's top-level `node_modules`;
 * packages nested inside another package's `node_modules` come with it. Sorted by path.
 *
 * @param options.root the installation whose `node_modules` is read. Default: zerr's own.
 * @throws InvalidArgumentError (`invalid_argument`) when a named package, or a dependency it needs, is not installed.
 */
export function resolveNodePackages(names: readonly string[], options: { readonly root?: string } = {}): NodePackageMount[] {
  const root = realpathSync(options.root ?? engineRoot());
  const topLevel = join(root, 'node_modules');
  const mounts = new Map<string, string>();
  const visited = new Set<string>();
  const visit = (name: string, from: string, required: boolean, neededBy: string): void => {
    const folder = lookUp(name, from);
    if (folder === undefined) {
      if (!required) return;
      throw new InvalidArgumentError({ parameter: 'nodePackages', value: name, expected: `a package installed in ${topLevel} (needed by ${neededBy})` });
    }
    if (visited.has(folder)) return;
    visited.add(folder);
    const inTopLevel = relative(topLevel, folder);
    if (!inTopLevel.startsWith('..') && !inTopLevel.split(sep).includes('node_modules')) mounts.set(inTopLevel.split(sep).join('/'), folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as PackageJson;
    for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, folder, true, name);
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {})) visit(dependency, folder, false, name);
  };
  for (const name of names) visit(name, root, true, 'the run');
  return [...mounts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, hostPath]) => ({ hostPath, path: `node_modules/${name}` }));
}

const resolved = new Map<string, NodePackageMount[]>();

/**
 * The mounts of a run's `nodePackages` (memoised per list), checked to be readable by the sandbox's unprivileged
 * user when the engine drops to one (`forOtherUser`): every folder above each package searchable by others, the
 * package folder readable and searchable.
 *
 * @param root the installation, as for {@link resolveNodePackages}. Default: zerr's own.
 * @throws InvalidArgumentError (`invalid_argument`) as {@link resolveNodePackages}.
 * @throws SandboxUnavailableError (`sandbox_unavailable`) when a package folder is not readable by others.
 */
export function packageMounts(names: readonly string[] | undefined, forOtherUser: boolean, root?: string): NodePackageMount[] {
  if (names === undefined || names.length === 0) return [];
  const key = JSON.stringify([root ?? null, names]);
  let mounts = resolved.get(key);
  if (mounts === undefined) {
    mounts = resolveNodePackages(names, root === undefined ? {} : { root });
    resolved.set(key, mounts);
  }
  if (forOtherUser) {
    for (const mount of mounts) {
      const blocked = unreadableByOthers(mount.hostPath);
      if (blocked !== undefined) {
        throw new SandboxUnavailableError(`The sandbox user cannot read ${blocked} (mode ${modeOf(blocked)}), on the way to the package folder ${mount.hostPath} the run needs: make it readable by others (chmod o+rx) or install zerr where others can read it.`);
      }
    }
  }
  return mounts;
}

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(3, '0');
}

/** The first folder that keeps other users from reading `folder` (a parent not searchable, or the folder itself not readable), if any. */
function unreadableByOthers(folder: string): string | undefined {
  if ((statSync(folder).mode & 0o005) !== 0o005) return folder;
  for (let parent = dirname(folder); ; parent = dirname(parent)) {
    if ((statSync(parent).mode & 0o001) === 0) return parent;
    if (dirname(parent) === parent) return undefined;
  }
}
