/**
 * The documentation as a reader uses it: every fenced block of README.md, CONTRIBUTING.md and docs/*.md
 * carries a docs-test marker; the run-marked ones run in a fresh copy of the repository (shell with
 * bash from its root; TypeScript type-checked, then run; JavaScript run), an import of 'collapse-lab'
 * read from the sources; every relative link and #anchor between the pages resolves.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { childEnv, ROOT } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Pages the docs test reads, relative to the repository root. */
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

const MARKER = /^<!-- docs-test: (run|skip \((.+)\)) -->$/;
const LANGUAGES = {
  shell: ['sh', 'bash', 'shell'],
  ts: ['ts', 'typescript'],
  js: ['js', 'javascript', 'mjs'],
} as const;
type Kind = keyof typeof LANGUAGES;

interface Block {
  page: string;
  /** Line of the opening fence, from 1. */
  line: number;
  lang: string;
  body: string;
  marker: 'run' | 'skip' | undefined;
}

/** The fenced blocks of a Markdown text, each with the marker on the line right before it. */
function fencedBlocks(page: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[end])) end++;
    const marker = MARKER.exec(lines[i - 1]?.trim() ?? '');
    blocks.push({
      page,
      line: i + 1,
      lang: open[2].toLowerCase(),
      body: lines.slice(i + 1, end).join('\n') + '\n',
      marker: marker ? (marker[1] === 'run' ? 'run' : 'skip') : undefined,
    });
    i = end;
  }
  return blocks;
}

function kindOf(lang: string): Kind | undefined {
  return (Object.keys(LANGUAGES) as Kind[]).find((k) => (LANGUAGES[k] as readonly string[]).includes(lang));
}

/** The text outside fenced blocks and inline code, where links are. */
function prose(text: string): string {
  return text.replace(/^ {0,3}(`{3,}|~{3,})[\s\S]*?^ {0,3}\1\s*$/gm, '').replace(/(`+)[^`]*?\1/g, '');
}

/** GitHub's anchors of a page's headings (duplicates numbered as GitHub numbers them). */
function anchors(text: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = prose(text)
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l));
  return new Set(headings.map((h) => slugger.slug(h.replace(/^#+ /, '').replace(/[*_]/g, '').trim())));
}

/** Every relative link of a page that does not resolve: a missing file, or a #anchor no heading has. */
function brokenLinks(page: string, text: string): string[] {
  const broken: string[] = [];
  for (const m of prose(text).matchAll(/!?\[[^\]]*\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    const [path, anchor] = target.split('#', 2);
    const file = path ? relative(ROOT, resolve(ROOT, dirname(page), path)) : page;
    if (!existsSync(join(ROOT, file))) {
      broken.push(`${page}: ${target} (no file ${file})`);
      continue;
    }
    if (anchor !== undefined && file.endsWith('.md') && !anchors(readFileSync(join(ROOT, file), 'utf8')).has(anchor)) {
      broken.push(`${page}: ${target} (${file} has no heading with anchor #${anchor})`);
    }
  }
  return broken;
}

const texts = Object.fromEntries(PAGES.map((p) => [p, readFileSync(join(ROOT, p), 'utf8')]));
const blocks = PAGES.flatMap((p) => fencedBlocks(p, texts[p]));

describe('the documentation pages', () => {
  it('mark every fenced block as run or skip (with a reason) on the line right before it', () => {
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.filter((b) => !b.marker).map((b) => `${b.page}:${b.line}`)).toEqual([]);
  });

  it('run only blocks of a language the docs test can run (shell, TypeScript, JavaScript)', () => {
    expect(
      blocks
        .filter((b) => b.marker === 'run' && !kindOf(b.lang))
        .map((b) => `${b.page}:${b.line} (${b.lang || 'no language'})`),
    ).toEqual([]);
  });

  it('link only to files that exist and to headings those pages have', () => {
    expect(PAGES.flatMap((p) => brokenLinks(p, texts[p]))).toEqual([]);
  });

  it('would find a missing marker, a missing file and a missing anchor', () => {
    const sample = 'See [a](experiments.md#no-such-heading) and [b](no-such-page.md).\n\n```sh\necho hi\n```\n';
    expect(fencedBlocks('docs/x.md', sample).map((b) => b.marker)).toEqual([undefined]);
    expect(brokenLinks('docs/x.md', sample)).toEqual([
      'docs/x.md: experiments.md#no-such-heading (docs/experiments.md has no heading with anchor #no-such-heading)',
      'docs/x.md: no-such-page.md (no file docs/no-such-page.md)',
    ]);
  });

  it('keep README.md within 250 lines, opening with the commands package.json and CI define', async () => {
    expect(texts['README.md'].trimEnd().split('\n').length).toBeLessThanOrEqual(250);
    const first = blocks.find((b) => b.page === 'README.md' && kindOf(b.lang) === 'shell')!;
    expect(first.body).toMatch(/npm install && npm start/);
    expect(first.body).toMatch(/npm install && npm test/);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toMatch(/scripts\/vae-mnist\.ts --preset quick/);
    expect(pkg.scripts.test).toBe('vitest run');
    const ci = await readFile(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci).toMatch(/npm ci/);
    expect(ci).toMatch(/npm run docs/);
    expect(ci).toMatch(/npm test/);
  });
});

// ---- The run-marked examples, in a fresh copy of the repository -----------------------------------

interface Example {
  block: Block;
  kind: Kind;
  /** Where it is saved in the copy, and the folder it runs in. */
  file: string;
  cwd: string;
}

let copy: string;
let examples: Example[];
/** Type errors per example file, from one tsc run over all TypeScript examples. */
let typeErrors: Map<string, string[]>;

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd, env: childEnv() });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

beforeAll(async () => {
  // A fresh copy: the files git tracks or would track (the working tree's versions), and node_modules.
  copy = await tempDir('collapse-lab-docs-');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const f of files) if (existsSync(join(ROOT, f))) await cp(join(ROOT, f), join(copy, f), { recursive: true });
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  // Each page's code examples live in a folder of their own, where they also run (their relative paths, such
  // as checkpoints/my-run, stay apart from another page's); shell examples run from the repository's root.
  examples = [];
  for (const block of blocks.filter((b) => b.marker === 'run')) {
    const kind = kindOf(block.lang)!;
    const folder = join(copy, 'docs-examples', block.page.replace(/\W+/g, '-'));
    const named = /^\/\/ ([\w.-]+\.(?:ts|mjs|js))\b/.exec(block.body)?.[1];
    const ext = kind === 'shell' ? 'sh' : kind === 'ts' ? 'ts' : 'mjs';
    const file = join(folder, named ?? `block-${block.line}.${ext}`);
    const index = relative(folder, join(copy, 'lib', 'index.ts'));
    await mkdir(folder, { recursive: true });
    await writeFile(
      file,
      kind === 'shell' ? block.body : block.body.replaceAll("from 'collapse-lab'", `from '${index}'`),
    );
    examples.push({ block, kind, file, cwd: kind === 'shell' ? copy : folder });
  }
  // One type check over every TypeScript example, with the options docs/library.md gives a user.
  const tsExamples = examples.filter((e) => e.kind === 'ts');
  typeErrors = new Map(tsExamples.map((e) => [e.file, []]));
  if (tsExamples.length) {
    const tsconfig = join(copy, 'docs-examples', 'tsconfig.json');
    const compilerOptions = {
      strict: true,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      target: 'ES2022',
      types: ['node'],
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
    };
    await writeFile(
      tsconfig,
      JSON.stringify({ compilerOptions, files: tsExamples.map((e) => relative(dirname(tsconfig), e.file)) }),
    );
    const r = await run(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig],
      copy,
    );
    for (const line of r.output.split('\n')) {
      const hit = /^(\S+?)\(\d+,\d+\): error/.exec(line);
      if (!hit) continue;
      const file = resolve(copy, hit[1]);
      (typeErrors.get(file) ?? typeErrors.set(file, []).get(file)!).push(line);
    }
    // An error outside the examples (in the library they import) fails every TypeScript example.
    const elsewhere = [...typeErrors].filter(([f]) => !tsExamples.some((e) => e.file === f)).flatMap(([, l]) => l);
    for (const e of tsExamples) typeErrors.get(e.file)!.push(...elsewhere);
    if (r.code !== 0 && [...typeErrors.values()].every((l) => l.length === 0))
      throw new Error(`tsc failed: ${r.output}`);
  }
});

// Pages side by side (their examples share nothing), each page's examples in order (a later one may use
// what an earlier one wrote, e.g. docs/library.md reads back the run its first example trained).
describe.concurrent('the run-marked examples', () => {
  for (const page of PAGES.filter((p) => blocks.some((b) => b.page === p && b.marker === 'run' && kindOf(b.lang)))) {
    const lines = blocks.filter((b) => b.page === page && b.marker === 'run' && kindOf(b.lang)).map((b) => b.line);
    it(`${page}: the examples at lines ${lines.join(', ')} run`, async ({ expect }) => {
      for (const example of examples.filter((e) => e.block.page === page)) {
        const where = `${page}:${example.block.line} (${example.block.lang})`;
        if (example.kind === 'ts') expect(typeErrors.get(example.file), where).toEqual([]);
        const r =
          example.kind === 'shell'
            ? await run('bash', ['-euo', 'pipefail', example.file], example.cwd)
            : await run(process.execPath, ['--import', 'tsx', example.file], example.cwd);
        expect(r.code, `${where}:\n${r.output.slice(-3000)}`).toBe(0);
        // The first library example says what it prints: a line per generation with its training-set size.
        if (example.file.endsWith('train.mjs')) {
          const lines = r.output.split('\n').filter((l) => /^\d+ \d+ \d+\.\d\d$/.test(l));
          expect(
            lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
            where,
          ).toEqual(['1 500', '2 1000']);
        }
      }
    });
  }
});
