// The hash algorithms scanlab knows, by id. An algorithm spec is `id` or `id:param` (e.g. `phash:16`).
import { ahash } from './imagehash/ahash.js';
import { colorhash } from './imagehash/colorhash.js';
import { dhash } from './imagehash/dhash.js';
import { phash } from './imagehash/phash.js';
import { whash } from './imagehash/whash.js';
import { blockhash } from './blockhash.js';
import { pdq } from './pdq/pdq.js';
import { neuralHasher } from './neural/neural-hasher.js';
import { HashError, type Hasher } from './types.js';

interface AlgorithmEntry {
  readonly summary: string;
  /** The spec must carry a parameter (`neural:CARD`), so the algorithm is not part of the default set. */
  readonly requiresParam?: boolean;
  /** Builds the hasher; `param` is the text after the first ':' in the spec, if any. */
  readonly create: (param: string | undefined) => Hasher;
}

/** Largest size parameter accepted (`ahash:256` is a 65,536-bit hash): beyond it a spec is a typo, not a hash. */
const MAX_SIZE_PARAM = 256;

/** Parses an integer parameter such as a hash size, with a clear error naming what was given. */
function intParam(spec: string, param: string | undefined, fallback: number, max = MAX_SIZE_PARAM): number {
  if (param === undefined) return fallback;
  const n = Number(param);
  if (param.trim() === '' || !Number.isInteger(n) || n <= 0 || n > max)
    throw new HashError(`bad parameter in algorithm "${spec}:${param}": expected a positive integer up to ${max}`);
  return n;
}

const ALGORITHMS: ReadonlyMap<string, AlgorithmEntry> = new Map<string, AlgorithmEntry>([
  [
    'ahash',
    {
      summary:
        'imagehash average_hash: 8x8 LANCZOS thumbnail vs its mean (64 bits), bit-exact with Python imagehash; ahash:N for NxN',
      create: (p) => ahash(intParam('ahash', p, 8)),
    },
  ],
  [
    'dhash',
    {
      summary:
        'imagehash dhash: horizontal gradients of a 9x8 LANCZOS thumbnail (64 bits), bit-exact with Python imagehash; dhash:N',
      create: (p) => dhash(intParam('dhash', p, 8)),
    },
  ],
  [
    'phash',
    {
      summary:
        'imagehash phash: 8x8 low frequencies of the DCT of a 32x32 thumbnail vs their median (64 bits), bit-exact; phash:N',
      create: (p) => phash(intParam('phash', p, 8)),
    },
  ],
  [
    'whash',
    {
      summary:
        'imagehash whash: Haar wavelet approximation, mean removed, vs its median (64 bits), bit-exact; whash:N, N a power of 2',
      create: (p) => whash(intParam('whash', p, 8)),
    },
  ],
  [
    'colorhash',
    {
      summary:
        'imagehash colorhash: black/grey fractions and 12 hue-saturation bins, 3 bits each (42 bits); colorhash:B for B bits',
      create: (p) => colorhash(intParam('colorhash', p, 3)),
    },
  ],
  [
    'blockhash',
    {
      summary: 'blockhash-core bmvbhash, 16 blocks per side (256 bits); blockhash:N for N per side',
      create: (p) => blockhash(intParam('blockhash', p, 16)),
    },
  ],
  [
    'pdq',
    {
      summary:
        'Meta ThreatExchange PDQ (256 bits + quality 0-100), bit-exact with the C++ reference; 8 dihedral variants',
      create: (p) => {
        if (p !== undefined) throw new HashError(`algorithm "pdq" takes no parameter, got "pdq:${p}"`);
        return pdq();
      },
    },
  ],
  [
    'neural',
    {
      requiresParam: true,
      summary:
        'learned hash from an ONNX model and its model card: neural:models/NAME.json (e.g. models/scanlab-tiny.json; NeuralHash via models/neuralhash.template.json)',
      create: (p) => {
        if (p === undefined || p === '')
          throw new HashError('algorithm "neural" needs a model card: neural:models/NAME.json');
        return neuralHasher(p);
      },
    },
  ],
]);

/**
 * The algorithms that need no parameter, in registry order (the imagehash family, blockhash, PDQ): the default set of
 * `bench` and the demo.
 */
export function builtinAlgorithms(): string[] {
  return [...ALGORITHMS].filter(([, e]) => e.requiresParam !== true).map(([id]) => id);
}

/** Every registered algorithm id with a one-line summary. */
export function listAlgorithms(): { id: string; summary: string }[] {
  return [...ALGORITHMS].map(([id, e]) => ({ id, summary: e.summary }));
}

/**
 * Builds a hasher from a spec such as `pdq`, `phash:16` or `neural:models/x.json` (the id in any case); unknown ids
 * are a HashError.
 */
export function getHasher(spec: string): Hasher {
  const colon = spec.indexOf(':');
  const id = (colon < 0 ? spec : spec.slice(0, colon)).toLowerCase();
  const param = colon < 0 ? undefined : spec.slice(colon + 1);
  const entry = ALGORITHMS.get(id);
  if (!entry) throw new HashError(`unknown algorithm "${id}" (known: ${[...ALGORITHMS.keys()].join(', ')})`);
  return entry.create(param);
}

/** A spec with its id in canonical (lower) case, e.g. `PDQ` → `pdq`; the parameter (a path for neural) is kept. */
export function canonicalSpec(spec: string): string {
  const colon = spec.indexOf(':');
  return colon < 0 ? spec.toLowerCase() : spec.slice(0, colon).toLowerCase() + spec.slice(colon);
}
