// The transform spec language: `jpeg(q=30)`, `crop(frac=0.9,anchor=center)`, chains `resize(scale=0.5)+jpeg(q=70)`.
import type { Image } from '../image/types.js';
import { TransformError } from './errors.js';
import { deriveSeed } from '../util/prng.js';
import { findTransformFamily, listTransformFamilies } from './registry.js';
import type { ParamSpec, ParamValue, ParamValues, Transform, TransformDefinition } from './types.js';

const NAME = /^[a-z][a-z0-9_-]*$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const COLOUR = /^#?[0-9a-fA-F]{6}$/;
const TEXT = /^[A-Za-z0-9_.-]+$/;

function bad(message: string): TransformError {
  return new TransformError('bad-value', message);
}

/** Checks one parameter value (from a spec's text or a caller's object) and returns it in canonical form. */
function checkValue(family: string, spec: ParamSpec, raw: ParamValue): ParamValue {
  const where = `${family}: ${spec.name}`;
  switch (spec.kind) {
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER.test(raw) ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw bad(`${where} must be a number, got "${raw}"`);
      if (spec.integer && !Number.isInteger(n)) throw bad(`${where} must be a whole number, got ${n}`);
      if (n < spec.min || n > spec.max) throw bad(`${where} must be in [${spec.min}, ${spec.max}], got ${n}`);
      return n === 0 ? 0 : n;
    }
    case 'choice':
      if (typeof raw !== 'string' || !spec.choices.includes(raw))
        throw bad(`${where} must be one of ${spec.choices.join(', ')}, got "${raw}"`);
      return raw;
    case 'boolean':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      throw bad(`${where} must be true or false, got "${raw}"`);
    case 'colour':
      if (typeof raw !== 'string' || !COLOUR.test(raw))
        throw bad(`${where} must be a colour as six hex digits rrggbb, got "${raw}"`);
      return raw.replace('#', '').toLowerCase();
    case 'text':
      if (typeof raw !== 'string' || !TEXT.test(raw) || raw.length > spec.maxLength) {
        throw bad(`${where} must be 1-${spec.maxLength} letters, digits, '_', '.' or '-', got "${raw}"`);
      }
      return raw;
  }
}

/** The canonical text of one family with its parameters: every parameter, in declaration order; no parentheses if it has none. */
function formatStep(family: TransformDefinition, params: ParamValues): string {
  if (family.params.length === 0) return family.name;
  return `${family.name}(${family.params.map((p) => `${p.name}=${String(params[p.name])}`).join(',')})`;
}

function checkImage(image: Image): void {
  const ok =
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width > 0 &&
    image.height > 0 &&
    (image.channels === 1 || image.channels === 3 || image.channels === 4) &&
    image.data.length === image.width * image.height * image.channels;
  if (!ok)
    throw new TransformError(
      'unsupported-image',
      `not a valid image: ${image.width}x${image.height}x${image.channels} with ${image.data.length} bytes`,
    );
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new TransformError('bad-value', `seed must be a safe integer, got ${seed}`);
}

/** A single-family transform from a family name and parameter values (missing ones take their defaults), all checked. */
export function createTransform(name: string, values: Readonly<Record<string, ParamValue>> = {}): Transform {
  const family = findTransformFamily(name);
  if (!family) {
    const known = listTransformFamilies()
      .map((f) => f.name)
      .join(', ');
    throw new TransformError('unknown-transform', `unknown transform "${name}" (known: ${known})`);
  }
  for (const key of Object.keys(values)) {
    if (!family.params.some((p) => p.name === key)) {
      const known =
        family.params.length === 0 ? 'it takes none' : `known: ${family.params.map((p) => p.name).join(', ')}`;
      throw new TransformError('unknown-parameter', `${family.name}: unknown parameter "${key}" (${known})`);
    }
  }
  const params: Record<string, ParamValue> = {};
  for (const p of family.params) params[p.name] = checkValue(family.name, p, values[p.name] ?? p.default);
  Object.freeze(params);
  const transform: Transform = {
    name: family.name,
    params,
    spec: formatStep(family, params),
    get steps() {
      return [transform];
    },
    async apply(image: Image, seed: number): Promise<Image> {
      checkImage(image);
      checkSeed(seed);
      return family.apply(image, params, seed);
    },
  };
  return transform;
}

/** Steps applied in order, step i with the seed `deriveSeed(seed, i)` so that repeated random steps draw independently. */
export function chainTransforms(steps: readonly Transform[]): Transform {
  const flat = steps.flatMap((s) => s.steps);
  if (flat.length === 0) throw new TransformError('syntax', 'a chain needs at least one transform');
  if (flat.length === 1) return flat[0]!;
  return {
    name: 'chain',
    params: Object.freeze({}),
    spec: flat.map((s) => s.spec).join('+'),
    steps: flat,
    async apply(image: Image, seed: number): Promise<Image> {
      checkSeed(seed);
      let current = image;
      for (let i = 0; i < flat.length; i++) current = await flat[i]!.apply(current, deriveSeed(seed, i));
      return current;
    },
  };
}

/** Splits text at a separator character where it is outside parentheses; unbalanced parentheses are a syntax error. */
function splitTopLevel(text: string, separator: string, context: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) throw new TransformError('syntax', `unbalanced ")" in "${context}"`);
    } else if (ch === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw new TransformError('syntax', `missing ")" in "${context}"`);
  parts.push(text.slice(start));
  return parts;
}

/** Parses one step: `name`, `name()` or `name(key=value,...)`. */
function parseStep(text: string, context: string): Transform {
  const step = text.trim();
  const open = step.indexOf('(');
  const name = (open < 0 ? step : step.slice(0, open)).trim();
  if (!NAME.test(name)) throw new TransformError('syntax', `expected a transform name in "${context}", got "${name}"`);
  const values: Record<string, string> = {};
  if (open >= 0) {
    if (!step.endsWith(')')) throw new TransformError('syntax', `unexpected text after ")" in "${context}"`);
    const inner = step.slice(open + 1, -1).trim();
    if (inner.includes('(') || inner.includes(')'))
      throw new TransformError('syntax', `nested parentheses in "${context}"`);
    if (inner !== '') {
      for (const assignment of inner.split(',')) {
        const eq = assignment.indexOf('=');
        const key = (eq < 0 ? assignment : assignment.slice(0, eq)).trim();
        const value = eq < 0 ? '' : assignment.slice(eq + 1).trim();
        if (eq < 0 || !NAME.test(key) || value === '')
          throw new TransformError('syntax', `expected key=value in "${context}", got "${assignment.trim()}"`);
        if (Object.hasOwn(values, key))
          throw new TransformError('syntax', `parameter "${key}" given twice in "${context}"`);
        values[key] = value;
      }
    }
  }
  return createTransform(name, values);
}

/** Parses a spec such as `jpeg(q=30)` or a chain `resize(scale=0.5)+jpeg(q=70)`; errors are TransformErrors. */
export function parseTransform(text: string): Transform {
  if (text.trim() === '') throw new TransformError('syntax', 'empty transform spec');
  const steps = splitTopLevel(text, '+', text);
  if (steps.some((s) => s.trim() === '')) throw new TransformError('syntax', `empty step in "${text}"`);
  return chainTransforms(steps.map((s) => parseStep(s, text)));
}

/** The canonical spec: every parameter, defaults included, in each family's fixed order; `parseTransform` reads it back. */
export function formatTransform(transform: Transform): string {
  return transform.spec;
}
