// The hash algorithms scanlab knows, by id. An algorithm spec is `id` or `id:param` (e.g. `phash:16`).
import { blockhash } from './blockhash.js';
import { pdq } from './pdq.js';
import { HashError, type Hasher } from './types.js';

interface AlgorithmEntry {
  readonly summary: string;
  /** Builds the hasher; `param` is the text after the first ':' in the spec, if any. */
  readonly create: (param: string | undefined) => Hasher;
}

/** Parses an integer parameter such as a hash size, with a clear error. */
export function intParam(spec: string, param: string | undefined, fallback: number): number {
  if (param === undefined) return fallback;
  const n = Number(param);
  if (!Number.isInteger(n) || n <= 0) throw new HashError(`bad parameter in algorithm "${spec}": expected a positive integer`);
  return n;
}

const ALGORITHMS: ReadonlyMap<string, AlgorithmEntry> = new Map<string, AlgorithmEntry>([
  ['blockhash', { summary: 'blockhash-core bmvbhash, 16 blocks per side (256 bits); blockhash:N for N per side', create: (p) => blockhash(intParam('blockhash', p, 16)) }],
  ['pdq', { summary: 'Meta ThreatExchange PDQ (256 bits + quality 0-100), bit-exact with the C++ reference; 8 dihedral variants', create: (p) => {
    if (p !== undefined) throw new HashError(`algorithm "pdq" takes no parameter, got "pdq:${p}"`);
    return pdq();
  } }],
]);

/** Every registered algorithm id with a one-line summary. */
export function listAlgorithms(): { id: string; summary: string }[] {
  return [...ALGORITHMS].map(([id, e]) => ({ id, summary: e.summary }));
}

/** Builds a hasher from a spec such as `pdq`, `phash:16` or `neural:models/x.json`; unknown ids are a HashError. */
export function getHasher(spec: string): Hasher {
  const colon = spec.indexOf(':');
  const id = colon < 0 ? spec : spec.slice(0, colon);
  const param = colon < 0 ? undefined : spec.slice(colon + 1);
  const entry = ALGORITHMS.get(id);
  if (!entry) throw new HashError(`unknown algorithm "${id}" (known: ${[...ALGORITHMS.keys()].join(', ')})`);
  return entry.create(param);
}
