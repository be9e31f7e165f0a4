// The model cards of the learned hashers a run uses, recorded with the run (artifact `model-cards`): which model, its
// files' SHA-256 digests, input and bits, so that a report says which network produced its numbers from the store
// alone, and a changed model file is visible as a changed digest.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { NeuralHasher } from '../hash/neural/neural-hasher.js';
import { getHasher } from '../hash/registry.js';

export const MODEL_CARDS_ARTIFACT = 'model-cards';

/** One learned hasher of a run, as recorded when the run started. */
export interface ModelCardRecord {
  /** The hasher id the run's summaries use (e.g. `neural:models/scanlab-tiny.json`). */
  readonly algo: string;
  readonly name: string;
  readonly description: string;
  readonly cardPath: string;
  readonly modelFile: string;
  readonly modelBytes: number;
  readonly modelSha256: string;
  /** The projection matrix file, when the card has one. */
  readonly projection: {
    readonly file: string;
    readonly rows: number;
    readonly cols: number;
    readonly sha256: string;
  } | null;
  /** e.g. `64×64 RGB NCHW`. */
  readonly input: string;
  readonly embedding: number;
  readonly nbits: number;
  /** e.g. `value ≥ 0`. */
  readonly bitRule: string;
}

const sha256File = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The records of the learned hashers among `algos` (specs or ids); other algorithms give none. */
export function modelCardRecords(algos: readonly string[]): ModelCardRecord[] {
  return algos.flatMap((spec) => {
    const hasher = getHasher(spec);
    const card = (hasher as Partial<NeuralHasher>).card;
    if (!card) return [];
    const p = card.projection;
    return [
      {
        algo: hasher.id,
        name: card.name,
        description: card.description,
        cardPath: relative(process.cwd(), card.cardPath),
        modelFile: card.modelFile,
        modelBytes: statSync(card.modelPath).size,
        modelSha256: sha256File(card.modelPath),
        projection: p ? { file: p.file, rows: p.rows, cols: p.cols, sha256: sha256File(p.path) } : null,
        input: `${card.input.width}×${card.input.height} ${card.input.channelOrder} ${card.input.layout}`,
        embedding: card.output.size,
        nbits: card.bits.nbits,
        bitRule: `value ${card.bits.rule === '>=' ? '≥' : '>'} ${card.bits.threshold}`,
      },
    ];
  });
}
