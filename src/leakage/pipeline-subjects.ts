// The pipeline's parties as leakage subjects: each session sends the client's photos through `runPipeline` (sending
// device → relay → matcher → reviewer → recipient, tpsi-ad by default) and hands the attempts what one party received.
// The workload's photos are hashes; each stands for a picture drawn from its bits (one 8 × 8 cell per bit), so a
// repeated hash is a repeated photo, byte for byte, and the database holds the PDQ hashes of the pictures of its
// entries.
import sharp from 'sharp';
import { getHasher } from '../hash/registry.js';
import type { Hash } from '../hash/types.js';
import { decodeImage } from '../image/decode.js';
import { decodeRecord } from '../pipeline/record.js';
import { DEFAULT_PIPELINE_CONFIG, runPipeline, type PipelineResult } from '../pipeline/run.js';
import type { Party } from './protocol-attempts.js';
import type { LeakageSubject, SessionView } from './protocol-subjects.js';

const CELL = 8;

/** The PNG a workload hash stands for: its bits as a square of dark and light cells (16 × 16 for 256 bits). */
export async function pictureOfHash(hash: Hash): Promise<Uint8Array> {
  const cells = Math.ceil(Math.sqrt(hash.nbits));
  const side = cells * CELL;
  const data = new Uint8Array(side * side);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const bit = Math.floor(y / CELL) * cells + Math.floor(x / CELL);
      const on = bit < hash.nbits && (((hash.bits[bit >> 3] ?? 0) >> (7 - (bit & 7))) & 1) === 1;
      data[y * side + x] = on ? 200 : 50;
    }
  return new Uint8Array(
    await sharp(data, { raw: { width: side, height: side, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

/** The pipeline's database for a workload database: the PDQ hashes of its entries' pictures (once per database). */
const databases = new WeakMap<readonly Hash[], Promise<Hash[]>>();
function pipelineDatabase(database: readonly Hash[]): Promise<Hash[]> {
  let out = databases.get(database);
  if (!out) {
    const pdq = getHasher('pdq');
    out = Promise.all(database.map(async (h) => pdq.hash(await decodeImage(await pictureOfHash(h)))));
    databases.set(database, out);
  }
  return out;
}

/** What one pipeline party received in a run (its `server` role), and what the device received back. */
type PartyView = (r: PipelineResult) => readonly Uint8Array[];

const deviceView: PartyView = (r) => r.relayRecords.flatMap((s) => s.replies);

/** The pipeline parties measured, each in the attempts' server role; the device is the client role. */
export const PIPELINE_PARTIES: readonly {
  readonly name: string;
  readonly summary: string;
  readonly view: PartyView;
}[] = [
  {
    name: 'relay',
    summary: 'every record as stored (header with message id and account, protocol messages, sealed envelopes)',
    view: (r) => r.relayRecords.flatMap((s) => [s.bytes, ...s.followUps]),
  },
  {
    name: 'matcher',
    summary: 'the protocol messages of each record, and the device’s answers to its replies',
    view: (r) => r.relayRecords.flatMap((s) => [...decodeRecord(s.bytes).protocolMessages, ...s.followUps]),
  },
  {
    name: 'reviewer',
    summary: 'the visual derivatives of revealed matches (none below the account threshold)',
    view: (r) => r.reviewer.flatMap((i) => (i.derivative ? [i.derivative] : [])),
  },
  {
    name: 'recipient',
    summary: 'the opened photos (the intended receiver: it is meant to see them)',
    view: (r) => r.received.flat().map((f) => f.bytes),
  },
];

/** A subject for one pipeline party under the default pipeline (tpsi-ad, PDQ, t = 30, s = 0.02). */
export function pipelineSubject(party: (typeof PIPELINE_PARTIES)[number]): LeakageSubject {
  const roles: Partial<Record<Party, string>> = { server: party.name, client: 'device' };
  return {
    id: `pipeline:${party.name}`,
    summary: `scanlab pipeline (${DEFAULT_PIPELINE_CONFIG.protocol}): the ${party.name} receives ${party.summary}`,
    parties: party.name === 'relay' ? roles : { server: party.name },
    async session(database, photos): Promise<SessionView> {
      const pictures = await Promise.all(photos.map(pictureOfHash));
      // A fresh seed per session: message ids are drawn anew by every device, as in a deployment.
      const result = await runPipeline(
        { ...DEFAULT_PIPELINE_CONFIG, seed: crypto.getRandomValues(new Uint32Array(1))[0] ?? 0 },
        pictures.map((bytes, i) => ({ name: `photo-${i}.png`, bytes, account: 0 })),
        await pipelineDatabase(database),
      );
      return { server: party.view(result), client: deviceView(result) };
    },
  };
}
