/**
 * No message points at something the repository does not have: every string literal in lib/,
 * scripts/, data/ and models/ (error messages, help texts, notes) is searched for repository paths
 * (docs/..., scripts/..., lib/...), Markdown files (README.md, docs/x.md) and sections of the README or of a
 * docs page ('see docs/experiments.md, "Get CelebA"'); each path must exist and each section must be a
 * heading of the page it names.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../helpers/cli.ts';
import { sourceFiles } from '../helpers/sources.ts';

const TOPS = ['lib', 'scripts', 'data', 'models'];
/** A path into the repository, as a message would write it (not a user's path such as <data-dir>/x or checkpoints/...). */
const REPO_PATH = /(?<![\w$<>.~/-])((?:docs|scripts|lib|data|models|test|\.ci)\/(?:[\w.-]+\/?)*|[\w-]+\.md\b)/g;
/** A section of a page: 'the README, "Get CelebA"' or 'docs/experiments.md, "Get CelebA"' (page, then heading). */
const PAGE_SECTION = /(?<![\w/])(README(?:\.md)?|docs\/[\w-]+\.md)(?:'s)?,? (?:section )?["“]([^"”]+)["”]/g;

/** The text of every string literal and template piece in a TypeScript file, with its line. */
function strings(file: string, text: string): { line: number; text: string }[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { line: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) {
      // Import specifiers are checked by the compiler.
      if (!(
        ts.isImportDeclaration(node.parent) ||
        ts.isExportDeclaration(node.parent) ||
        ts.isExternalModuleReference(node.parent)
      )) {
        out.push({ line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.text });
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  return out;
}

/** The headings of a page named as a message names it (README, README.md or docs/x.md); none when it is absent. */
async function headingsOf(page: string): Promise<string[]> {
  const file = join(ROOT, page.startsWith('README') ? 'README.md' : page);
  if (!existsSync(file)) return [];
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => /^#+ /.test(l))
    .map((l) => l.replace(/^#+ /, '').trim());
}

describe('messages', () => {
  it('name only paths that exist and page sections that are headings', async () => {
    const missing: string[] = [];
    let checked = 0;
    for (const top of TOPS) {
      for (const file of await sourceFiles(join(ROOT, top))) {
        const rel = relative(ROOT, file);
        for (const s of strings(file, await readFile(file, 'utf8'))) {
          for (const m of s.text.matchAll(REPO_PATH)) {
            const path = m[1].replace(/[.,;:]+$/, '');
            checked++;
            if (!existsSync(join(ROOT, path))) missing.push(`${rel}:${s.line}: ${path} does not exist`);
          }
          for (const m of s.text.matchAll(PAGE_SECTION)) {
            checked++;
            const [page, section] = [m[1], m[2]];
            const headings = await headingsOf(page);
            if (!headings.some((h) => h === section || h.startsWith(`${section} `) || h.startsWith(`${section}:`)))
              missing.push(`${rel}:${s.line}: ${page} has no section "${section}"`);
          }
        }
      }
    }
    // The search finds what it looks for: in a message of the kind it checks, and in the sources
    // (how many of their messages name a path changes as commands are printed from invocation.ts).
    const sample =
      'expected a folder holding img_align_celeba/ (see docs/experiments.md, "Get CelebA", and scripts/vae-celeba.ts)';
    expect([...sample.matchAll(REPO_PATH)].map((m) => m[1])).toEqual(['docs/experiments.md', 'scripts/vae-celeba.ts']);
    expect([...sample.matchAll(PAGE_SECTION)].map((m) => [m[1], m[2]])).toEqual([
      ['docs/experiments.md', 'Get CelebA'],
    ]);
    expect(checked).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('would catch a stale path and a section that is not there', () => {
    const found = strings(
      'x.ts',
      'throw new Error(`Folder ${d} is empty (see docs/celeba.md and the README, "Get CelebA data").`);',
    );
    const text = found.map((f) => f.text).join('');
    expect([...text.matchAll(REPO_PATH)].map((m) => m[1])).toEqual(['docs/celeba.md']);
    expect([...text.matchAll(PAGE_SECTION)].map((m) => [m[1], m[2]])).toEqual([['README', 'Get CelebA data']]);
  });
});
