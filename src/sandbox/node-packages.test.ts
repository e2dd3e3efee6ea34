import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import { bwrapArgs } from './bwrap/bwrap-args.js';
import { packageMounts, resolveNodePackages } from './node-packages.js';
import { SandboxUnavailableError } from './sandbox-unavailable-error.js';
import { validateRunRequest } from './sandbox-limits.js';

const root = mkdtempSync(join(tmpdir(), 'zerr-node-packages-'));
chmodSync(root, 0o755); // mkdtemp's 0700 would itself keep the sandbox user out
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(folder: string, manifest: object): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest));
}

describe('resolveNodePackages', () => {
  it('mounts the top-level packages of the closure; a nested one comes with its parent; a missing optional one is skipped', () => {
    const modules = join(root, 'install', 'node_modules');
    pkg(join(modules, 'app-lib'), { name: 'app-lib', dependencies: { '@scope/util': '1', helper: '1' }, optionalDependencies: { absent: '1' } });
    pkg(join(modules, '@scope', 'util'), { name: '@scope/util', dependencies: { helper: '1' } });
    pkg(join(modules, 'helper'), { name: 'helper', dependencies: { inner: '1' } });
    pkg(join(modules, 'helper', 'node_modules', 'inner'), { name: 'inner', dependencies: { '@scope/util': '1' } });
    pkg(join(modules, 'unrelated'), { name: 'unrelated' });
    expect(resolveNodePackages(['app-lib'], { root: join(root, 'install') })).toEqual([
      { hostPath: join(modules, '@scope', 'util'), path: 'node_modules/@scope/util' },
      { hostPath: join(modules, 'app-lib'), path: 'node_modules/app-lib' },
      { hostPath: join(modules, 'helper'), path: 'node_modules/helper' },
    ]);
  });

  it('names a missing package and what needs it', () => {
    const modules = join(root, 'broken', 'node_modules');
    pkg(join(modules, 'needy'), { name: 'needy', dependencies: { gone: '1' } });
    expect(() => resolveNodePackages(['needy'], { root: join(root, 'broken') })).toThrow(/nodePackages.*"gone".*needed by needy/s);
    expect(() => resolveNodePackages(['nothing-here'], { root: join(root, 'broken') })).toThrow(InvalidArgumentError);
  });

  it('finds Fastify and its runtime dependencies in zerr\'s own installation', () => {
    const paths = resolveNodePackages(['fastify']).map((mount) => mount.path);
    expect(paths).toEqual(expect.arrayContaining(['node_modules/fastify', 'node_modules/avvio', 'node_modules/find-my-way', 'node_modules/@fastify/error']));
    expect(paths).not.toContain('node_modules/vitest');
  });
});

describe('the bwrap command line of a run with packages', () => {
  it('binds each package folder read-only inside the work folder, after the run\'s own files', () => {
    const args = bwrapArgs({
      nodePath: process.execPath,
      workFolder: { hostPath: '/host/work', files: ['main.js'], mounts: [{ hostPath: '/opt/zerr/node_modules/fastify', path: 'node_modules/fastify' }] },
      env: {},
      command: ['node', 'main.js'],
    });
    const text = args.join(' ');
    expect(text).toContain('--ro-bind /host/work/main.js /sandbox/main.js --ro-bind /opt/zerr/node_modules/fastify /sandbox/node_modules/fastify --chdir /sandbox');
    expect(args.filter((arg) => arg === '--bind')).toEqual([]);
  });
});

describe('packageMounts', () => {
  it('refuses, as the sandbox being unavailable, a package folder the sandbox user could not read', () => {
    expect(packageMounts(undefined, true)).toEqual([]);
    expect(packageMounts(['fastify'], true).some((mount) => mount.path === 'node_modules/fastify')).toBe(true);
    const install = join(root, 'private');
    pkg(join(install, 'node_modules', 'secret'), { name: 'secret' });
    chmodSync(install, 0o711);
    expect(packageMounts(['secret'], true, install)).toEqual([{ hostPath: join(install, 'node_modules', 'secret'), path: 'node_modules/secret' }]);
    chmodSync(install, 0o700);
    expect(() => packageMounts(['secret'], true, install)).toThrow(SandboxUnavailableError);
    expect(() => packageMounts(['secret'], true, install)).toThrow(`The sandbox user cannot read ${install} (mode 700)`);
    expect(packageMounts(['secret'], false, install)).toHaveLength(1); // the engine's own user reads it
    chmodSync(join(install, 'node_modules', 'secret'), 0o700);
    chmodSync(install, 0o755);
    expect(() => packageMounts(['secret'], true, install)).toThrow(`cannot read ${join(install, 'node_modules', 'secret')} (mode 700)`);
  });

  it('a run request may ask for packages only for node, and then holds no files of its own under node_modules/', () => {
    const base = { runtime: 'node' as const, files: { 'main.js': '' }, entry: 'main.js' };
    expect(() => validateRunRequest({ ...base, nodePackages: ['fastify'] })).not.toThrow();
    expect(() => validateRunRequest({ ...base, runtime: 'python', nodePackages: ['fastify'] })).toThrow(/request.nodePackages/);
    expect(() => validateRunRequest({ ...base, nodePackages: ['../etc'] })).toThrow(/an npm package name/);
    expect(() => validateRunRequest({ ...base, files: { ...base.files, 'node_modules/fastify/fastify.js': '' }, nodePackages: ['fastify'] })).toThrow(/request.files/);
  });
});
