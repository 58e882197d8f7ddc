import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The repository root, where `npm pack` runs. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The package as a user gets it: packed with `npm pack`, installed into a fresh project. */
export interface InstalledPackage {
  /** Paths inside the tarball, e.g. `dist/index.js`. */
  files: string[];
  /** The consuming project (`"type": "module"`), with the tarball in its node_modules. */
  projectDir: string;
  /** `node_modules/bc-customer-auth` inside the project. */
  packageDir: string;
  /** Removes the tarball and the project. */
  remove(): Promise<void>;
}

/** Runs a command and resolves to its stdout; the error names the command and carries its output. */
export async function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  try {
    // Under `npm test`, npm exports this repository as the local prefix; the child runs elsewhere.
    const inherited = { ...process.env };
    delete inherited['npm_config_local_prefix'];
    const options = { cwd, env: { ...inherited, ...env }, maxBuffer: 32 << 20 };
    const { stdout } = await promisify(execFile)(command, args, options);
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/**
 * Packs the built repository (`npm test` builds first) and installs the tarball into a new
 * project in a temporary directory, offline-friendly (`--prefer-offline`).
 */
export async function packAndInstall(): Promise<InstalledPackage> {
  const root = await mkdtemp(join(tmpdir(), 'bc-customer-auth-pack-'));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const packed = JSON.parse(
      await run('npm', ['pack', '--json', '--pack-destination', root], REPO_ROOT),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const { filename, files } = packed[0]!;
    const projectDir = join(root, 'consumer');
    await mkdir(projectDir);
    const manifest = { name: 'consumer', private: true, type: 'module' };
    await writeFile(join(projectDir, 'package.json'), JSON.stringify(manifest));
    const install = ['install', '--no-audit', '--no-fund', '--prefer-offline'];
    await run('npm', [...install, join(root, filename)], projectDir);
    return {
      files: files.map((file) => file.path),
      projectDir,
      packageDir: join(projectDir, 'node_modules', 'bc-customer-auth'),
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
