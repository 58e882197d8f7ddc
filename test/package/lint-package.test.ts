import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import ts from 'typescript';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, run } from './support/packed-package.js';

const ATTW = join(REPO_ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

// The package is ESM-only. Node ≥ 20.19 (our `engines`) can `require()` ES modules, so attw's
// `esm-only` profile applies: it ignores the CommonJS (node16-cjs) and Node 10 resolutions. The
// `./iife` subpath is a classic script for a <script> tag (or a CDN URL), not a module to import,
// so it carries no types and is left out.
const ATTW_ARGS = ['--pack', '.', '--format', 'json', '--profile', 'esm-only'];
const IGNORED_BY_PROFILE = ['node10', 'node16-cjs'];

const { name, version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

interface AttwReport {
  analysis: { entrypoints: Record<string, unknown> };
  problems: Record<string, Array<{ kind: string; entrypoint?: string; resolutionKind?: string }>>;
}

describe('package linters', () => {
  it('the README pins CDN links to the version in package.json', () => {
    // A link to an older release would load a build without the fixes the README describes.
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const pinned = [...readme.matchAll(new RegExp(`/npm/${name}@([^/\\s]+)/`, 'g'))].map(
      (match) => match[1],
    );
    expect(pinned.length).toBeGreaterThan(0);
    expect(pinned.filter((pin) => pin !== version)).toEqual([]);
  });

  it("the CHANGELOG's newest entry is the version in package.json", () => {
    // A tarball whose CHANGELOG lists its own changes under another heading misleads whoever
    // upgrades.
    const changelog = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
    const headings = [...changelog.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings[0]).toMatch(
      new RegExp(`^${version.replaceAll('.', '\\.')} - (Unreleased|\\d{4}-\\d{2}-\\d{2})$`),
    );
    expect(headings.filter((heading) => heading?.startsWith(`${version} `))).toHaveLength(1);
  });

  it('publint finds nothing, suggestions included', async () => {
    const { messages, pkg } = await publint({ pkgDir: REPO_ROOT, pack: 'npm', strict: true });
    expect(messages.map((message) => formatMessage(message, pkg, { color: false }))).toEqual([]);
  });

  it('are-the-types-wrong finds nothing for "." and "./server" (esm-only profile)', async () => {
    const args = [ATTW, ...ATTW_ARGS, '--exclude-entrypoints', './iife'];
    const report = JSON.parse(await run(process.execPath, args, REPO_ROOT)) as AttwReport;
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      '.',
      './package.json',
      './server',
    ]);
    const problems = Object.values(report.problems)
      .flat()
      .filter((problem) => !IGNORED_BY_PROFILE.includes(problem.resolutionKind ?? ''));
    expect(problems).toEqual([]);
  });

  it('every {@link} in the type declarations names something in scope, so hovers link it', () => {
    const root = join(REPO_ROOT, 'dist', 'types');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.d.ts'))
      .map((file) => join(root, file));
    const program = ts.createProgram(files, { noEmit: true, types: ['node'] });
    const checker = program.getTypeChecker();
    const links: string[] = [];
    const unresolved: string[] = [];
    const visit = (node: ts.Node, file: string): void => {
      if (ts.isJSDocLink(node) || ts.isJSDocLinkCode(node) || ts.isJSDocLinkPlain(node)) {
        const name = `${file.slice(root.length + 1)}: ${node.name?.getText() ?? ''}`;
        links.push(name);
        if (!node.name || !checker.getSymbolAtLocation(node.name)) unresolved.push(name);
      }
      for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) visit(doc, file);
      ts.forEachChild(node, (child) => visit(child, file));
    };
    for (const file of files) visit(program.getSourceFile(file)!, file);
    expect(links.length).toBeGreaterThan(10);
    expect(unresolved).toEqual([]);
  });
});
