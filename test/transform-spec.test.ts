import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Image } from '../src/image/types.js';
import { DEFAULT_TRANSFORM_SPECS, DEFAULT_TRANSFORMS, parseTransformList } from '../src/transform/defaults.js';
import { TransformError } from '../src/transform/errors.js';
import { deriveSeed } from '../src/util/prng.js';
import { listTransformFamilies } from '../src/transform/registry.js';
import { chainTransforms, createTransform, formatTransform, parseTransform } from '../src/transform/spec.js';
import { gradientRgb, repoRoot } from './helpers/images.js';

const image: Image = { width: 24, height: 16, channels: 3, data: gradientRgb(24, 16) };

function transformError(f: () => unknown): TransformError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TransformError);
    expect((e as Error).message).not.toContain('\n');
    return e as TransformError;
  }
  throw new Error('expected a TransformError');
}

describe('canonical names', () => {
  it.each([
    ['jpeg(q=30)', 'jpeg(q=30)'],
    ['crop(frac=0.9,anchor=center)', 'crop(frac=0.9,anchor=center)'],
    ['rotate(deg=4)', 'rotate(deg=4,mode=fill,fill=000000)'],
    [' crop( anchor=tl , frac=0.50 ) ', 'crop(frac=0.5,anchor=tl)'],
    ['pad(colour=#FFAA00,frac=1e-1)', 'pad(frac=0.1,colour=ffaa00)'],
    ['resize(scale=2,restore=true)', 'resize(scale=2,restore=true)'],
    ['grayscale()', 'greyscale'],
    ['greyscale', 'greyscale'],
    ['rotate(deg=-0)', 'rotate(deg=0,mode=fill,fill=000000)'],
    ['resize(scale=0.5)+jpeg(q=70)', 'resize(scale=0.5,restore=false)+jpeg(q=70)'],
    ['noise(sigma=1e+1) + flip(axis=v)', 'noise(sigma=10)+flip(axis=v)'],
  ])('%s is printed as %s', (text, canonical) => {
    expect(formatTransform(parseTransform(text))).toBe(canonical);
  });

  it('round-trips every family at its defaults and every default transform: parse(format(t)) has the same name, params and spec', () => {
    const all = [
      ...listTransformFamilies().map((f) => createTransform(f.name)),
      ...DEFAULT_TRANSFORMS,
      parseTransform('blur(sigma=0.3)+crop(anchor=random)+jpeg(q=1)'),
    ];
    for (const t of all) {
      const again = parseTransform(formatTransform(t));
      expect(again.spec).toBe(t.spec);
      expect(again.name).toBe(t.name);
      expect(again.params).toEqual(t.params);
      expect(again.steps.map((s) => s.params)).toEqual(t.steps.map((s) => s.params));
    }
  });

  it('exposes the family name and every parameter with its default filled in', () => {
    const t = parseTransform('crop(frac=0.95)');
    expect(t.name).toBe('crop');
    expect(t.params).toEqual({ frac: 0.95, anchor: 'center' });
    expect(t.steps).toEqual([t]);
    expect(createTransform('jpeg', { q: 30 }).spec).toBe('jpeg(q=30)');
    expect(createTransform('watermark', { opacity: 0.25, pos: 'tl' }).spec).toBe(
      'watermark(kind=logo,text=scanlab,size=0.3,opacity=0.25,pos=tl,colour=ffffff)',
    );
  });

  it('gives chains the name "chain", their steps in order, and flattens nested chains', () => {
    const chain = parseTransform('resize(scale=0.5)+jpeg(q=70)');
    expect(chain.name).toBe('chain');
    expect(chain.steps.map((s) => s.name)).toEqual(['resize', 'jpeg']);
    const nested = chainTransforms([chain, parseTransform('flip')]);
    expect(nested.spec).toBe('resize(scale=0.5,restore=false)+jpeg(q=70)+flip(axis=h)');
    expect(chainTransforms([parseTransform('flip')]).spec).toBe('flip(axis=h)');
  });

  it('applies chain step i with deriveSeed(seed, i), so two noise steps draw different noise', async () => {
    const chain = parseTransform('noise(sigma=20)+noise(sigma=20)');
    const noise = createTransform('noise', { sigma: 20 });
    const byHand = await noise.apply(await noise.apply(image, deriveSeed(5, 0)), deriveSeed(5, 1));
    const out = await chain.apply(image, 5);
    expect(Buffer.from(out.data).equals(Buffer.from(byHand.data))).toBe(true);
    const sameSeedTwice = await noise.apply(await noise.apply(image, 5), 5);
    expect(Buffer.from(out.data).equals(Buffer.from(sameSeedTwice.data))).toBe(false);
  });
});

describe('errors', () => {
  it.each([
    ['jpg(q=30)', 'unknown-transform', /unknown transform "jpg" \(known: jpeg, resize/],
    ['jpeg(quality=30)', 'unknown-parameter', /jpeg: unknown parameter "quality" \(known: q\)/],
    ['greyscale(x=1)', 'unknown-parameter', /greyscale: unknown parameter "x" \(it takes none\)/],
    ['jpeg(q=0)', 'bad-value', /jpeg: q must be in \[1, 100\], got 0/],
    ['jpeg(q=101)', 'bad-value', /jpeg: q must be in \[1, 100\], got 101/],
    ['jpeg(q=50.5)', 'bad-value', /jpeg: q must be a whole number, got 50.5/],
    ['jpeg(q=0x10)', 'bad-value', /jpeg: q must be a number, got "0x10"/],
    ['blur(sigma=Infinity)', 'bad-value', /blur: sigma must be a number/],
    ['crop(anchor=middle)', 'bad-value', /crop: anchor must be one of center, tl, tr, bl, br, random, got "middle"/],
    ['pad(colour=red)', 'bad-value', /pad: colour must be a colour as six hex digits rrggbb, got "red"/],
    ['resize(restore=yes)', 'bad-value', /resize: restore must be true or false, got "yes"/],
    ['watermark(kind=text,text=a<b)', 'bad-value', /watermark: text must be 1-32 letters/],
    ['jpeg(q=30', 'syntax', /missing "\)" in "jpeg\(q=30"/],
    ['jpeg(q=30))', 'syntax', /unbalanced "\)"/],
    ['jpeg(q=30)x', 'syntax', /unexpected text after "\)"/],
    ['jpeg q=30', 'syntax', /expected a transform name/],
    ['jpeg(q)', 'syntax', /expected key=value in "jpeg\(q\)", got "q"/],
    ['jpeg(q=)', 'syntax', /expected key=value/],
    ['jpeg(q=1,q=2)', 'syntax', /parameter "q" given twice/],
    ['jpeg(q=(1))', 'syntax', /nested parentheses/],
    ['', 'syntax', /empty transform spec/],
    ['jpeg(q=30)+', 'syntax', /empty step/],
    ['+jpeg', 'syntax', /empty step/],
  ])('%s → %s', (text, kind, message) => {
    const e = transformError(() => parseTransform(text));
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
  });

  it('rejects bad seeds and malformed images when applying', async () => {
    const t = parseTransform('flip');
    await expect(t.apply(image, 1.5)).rejects.toMatchObject({ name: 'TransformError', kind: 'bad-value' });
    await expect(t.apply({ width: 4, height: 4, channels: 3, data: new Uint8Array(10) }, 0)).rejects.toMatchObject({
      kind: 'unsupported-image',
    });
    await expect(parseTransform('flip+flip').apply(image, Number.NaN)).rejects.toMatchObject({ kind: 'bad-value' });
  });

  it('rejects bad values passed programmatically', () => {
    expect(createTransform('jpeg', { q: '30' }).params).toEqual({ q: 30 });
    expect(transformError(() => createTransform('jpeg', { q: true })).message).toMatch(
      /jpeg: q must be a number, got "true"/,
    );
    expect(transformError(() => createTransform('resize', { restore: 1 })).kind).toBe('bad-value');
    expect(transformError(() => createTransform('flip', { axis: 'diagonal' })).message).toMatch(
      /flip: axis must be one of h, v/,
    );
  });
});

describe('registry and lists', () => {
  it('has unique family names whose declared defaults are valid and within range', () => {
    const families = listTransformFamilies();
    expect(new Set(families.map((f) => f.name)).size).toBe(families.length);
    for (const f of families) {
      for (const p of f.params) {
        if (p.kind === 'number') {
          expect(p.default).toBeGreaterThanOrEqual(p.min);
          expect(p.default).toBeLessThanOrEqual(p.max);
        }
      }
      expect(() => createTransform(f.name)).not.toThrow();
    }
  });

  it('covers the benchmark transforms in the default set', () => {
    const specs = DEFAULT_TRANSFORMS.map((t) => t.spec);
    for (const needed of [
      'jpeg(q=95)',
      'blur(sigma=2)',
      'gamma(g=2)',
      'resize(scale=0.5,restore=false)',
      'rotate(deg=4,mode=fill,fill=000000)',
      'crop(frac=0.95,anchor=center)',
      'pad(frac=0.2,colour=000000)',
      'vignette(strength=0.5)',
    ]) {
      expect(specs).toContain(needed);
    }
    for (const family of ['noise', 'watermark', 'flip', 'greyscale', 'hue', 'screenshot'])
      expect(DEFAULT_TRANSFORMS.some((t) => t.name === family)).toBe(true);
    expect(new Set(specs).size).toBe(DEFAULT_TRANSFORM_SPECS.length);
  });

  it('parses lists separated by commas or spaces outside parentheses, expands "default" and drops duplicates', () => {
    const list = parseTransformList('default, jpeg(q=10) crop(frac=0.5,anchor=tl)+jpeg(q=50),jpeg(q=95)');
    expect(list.length).toBe(DEFAULT_TRANSFORMS.length + 2);
    expect(list.slice(-2).map((t) => t.spec)).toEqual(['jpeg(q=10)', 'crop(frac=0.5,anchor=tl)+jpeg(q=50)']);
    expect(parseTransformList('jpeg(q=95),jpeg(q=95)').length).toBe(1);
    expect(transformError(() => parseTransformList(' , ')).kind).toBe('syntax');
  });
});

describe('docs/transforms.md', () => {
  it('has a table row for every family listing each parameter with its default, and the default set', () => {
    const doc = readFileSync(join(repoRoot, 'docs', 'transforms.md'), 'utf8');
    for (const family of listTransformFamilies()) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${family.name}\` |`));
      expect(row, family.name).toBeDefined();
      for (const p of family.params)
        expect(row, `${family.name}.${p.name}`).toContain(`\`${p.name}\`=${String(p.default)}`);
    }
    for (const spec of DEFAULT_TRANSFORM_SPECS) expect(doc).toContain(spec);
  });
});
