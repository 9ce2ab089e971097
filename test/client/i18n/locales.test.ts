/**
 * The message catalogue: every language file in client/src/i18n/locales/ has every witness-facing
 * message of the English one, of the same kind, filled in and translated. The files are bundled
 * with esbuild (as Vite does) and loaded, so a new file is checked without touching this test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { build } from 'esbuild';
import { ROOT } from '../../support/hooks.js';

const DIR = path.join(ROOT, 'client/src/i18n/locales');

interface LoadedLocale {
  readonly meta: { readonly code: string; readonly name: string };
  readonly witness: Record<string, unknown>;
}

async function load(file: string): Promise<LoadedLocale> {
  const out = await build({ entryPoints: [path.join(DIR, file)], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'silent' });
  const code = out.outputFiles[0]?.text ?? '';
  const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { default: LoadedLocale };
  return mod.default;
}

/** Every leaf of a message tree: its dotted path and value. */
function leaves(tree: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') for (const [kk, vv] of leaves(v as Record<string, unknown>, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

describe('Client message catalogue', () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts'));
  let english: Map<string, unknown>;
  before(async function () {
    this.timeout(20_000);
    english = leaves((await load('en.ts')).witness);
  });

  it('has the English file and at least Romanian, Ukrainian and Bulgarian', () => {
    expect(files).to.include.members(['en.ts', 'ro.ts', 'uk.ts', 'bg.ts']);
  });

  for (const file of files.filter((f) => f !== 'en.ts')) {
    describe(file, () => {
      let locale: LoadedLocale;
      let own: Map<string, unknown>;
      before(async function () {
        this.timeout(20_000);
        locale = await load(file);
        own = leaves(locale.witness);
      });

      it('names itself by the file name and in its own language', () => {
        expect(locale.meta.code).to.equal(file.replace(/\.ts$/, ''));
        expect(locale.meta.name).to.be.a('string').and.not.equal('');
      });

      it('has every witness-facing key of English, and no other', () => {
        expect([...own.keys()].sort()).to.deep.equal([...english.keys()].sort());
      });

      it('fills every message in, of the same kind, and translates it', () => {
        for (const [key, en] of english) {
          const mine = own.get(key);
          expect(typeof mine, key).to.equal(typeof en);
          if (typeof mine === 'string') {
            expect(mine.trim(), key).to.not.equal('');
            expect(mine, `${key} is still English`).to.not.equal(en);
          }
        }
      });

      it('puts every argument of a message function into its sentence', () => {
        for (const [key, fn] of own) {
          if (typeof fn !== 'function') continue;
          const args = Array.from({ length: fn.length }, (_, i) => `«arg${i}»`);
          const text = (fn as (...a: string[]) => unknown)(...args);
          expect(text, key).to.be.a('string');
          for (const a of args) expect(text as string, key).to.contain(a);
        }
      });
    });
  }
});
