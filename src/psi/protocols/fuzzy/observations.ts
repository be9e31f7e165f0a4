// What a near-duplicate run leaked, counted from the parties' transcripts and split by the plaintext truth: the events
// each party observes about photos that match nothing (the ones a protocol should say nothing about) and about matches.
import type { JsonValue, Transcript } from '../../transcript.js';
import type { FuzzyParams } from './params.js';
import type { FuzzyProtocolName } from './session.js';

export interface LeakageCount {
  /** What one event is. */
  readonly event: string;
  /** Mean events per photo that matches nothing within r, and the share of those photos with at least one. */
  readonly perNonMatchingPhoto: number;
  readonly nonMatchingPhotosWithEvents: number;
  /** Mean events per photo within r of an entry. */
  readonly perMatchingPhoto: number;
}

export interface FuzzyRunReport {
  readonly protocol: FuzzyProtocolName;
  readonly params: FuzzyParams;
  readonly evaluationsPerPhoto: number;
  readonly matchingPhotos: number;
  readonly nonMatchingPhotos: number;
  readonly server: LeakageCount | null;
  readonly client: LeakageCount | null;
}

function count(event: string, perPhoto: readonly number[], truth: readonly boolean[]): LeakageCount {
  const non = perPhoto.filter((_, i) => !truth[i]);
  const yes = perPhoto.filter((_, i) => truth[i]);
  const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    event,
    perNonMatchingPhoto: mean(non),
    nonMatchingPhotosWithEvents: non.length ? non.filter((n) => n > 0).length / non.length : 0,
    perMatchingPhoto: mean(yes),
  };
}

/** Per photo, the number `field` of every `what` event holds (a number, or an array's length). */
function perPhoto(t: Transcript, what: string, field: string, photos: number): number[] {
  const out = new Array<number>(photos).fill(0);
  for (const e of t.events) {
    if (e.kind !== 'computed' || e.what !== what) continue;
    const v = e.value as { [k: string]: JsonValue };
    const photo = v.photo;
    const x = v[field];
    if (typeof photo !== 'number' || photo < 0 || photo >= photos) continue;
    out[photo]! += typeof x === 'number' ? x : Array.isArray(x) ? x.length : 0;
  }
  return out;
}

/** chunked-tpsi: per voucher in arrival order (the photo order of a run), how many chunks opened. */
function openedChunksInArrivalOrder(t: Transcript): number[] {
  return t.events.flatMap((e) => {
    if (e.kind !== 'computed' || e.what !== 'voucher') return [];
    const opened = (e.value as { [k: string]: JsonValue }).chunksOpened;
    return Array.isArray(opened) ? [opened.length] : [];
  });
}

export function fuzzyRunReport(
  protocol: FuzzyProtocolName,
  params: FuzzyParams,
  evaluationsPerPhoto: number,
  transcripts: { readonly client: Transcript; readonly server: Transcript },
  truth: readonly boolean[],
): FuzzyRunReport {
  const photos = truth.length;
  const base = {
    protocol,
    params,
    evaluationsPerPhoto,
    matchingPhotos: truth.filter(Boolean).length,
    nonMatchingPhotos: truth.filter((m) => !m).length,
  };
  switch (protocol) {
    case 'ball-expansion':
      return {
        ...base,
        server: null,
        client: count(
          'a database hash learned exactly (a hit in the ball)',
          perPhoto(transcripts.client, 'ball', 'hits', photos),
          truth,
        ),
      };
    case 'chunked':
      return {
        ...base,
        server: count(
          'a candidate entry: its chunk j lies within ⌊r/m⌋ bits of the photo’s chunk j',
          perPhoto(transcripts.server, 'candidates', 'entries', photos),
          truth,
        ),
        client: count(
          'a chunk neighbour that is some entry’s chunk value',
          perPhoto(transcripts.client, 'chunk hits', 'hits', photos),
          truth,
        ),
      };
    case 'chunked-tpsi':
      return {
        ...base,
        server: count(
          'a chunk whose outer layer opened (the photo’s chunk j equals some entry’s chunk j)',
          openedChunksInArrivalOrder(transcripts.server),
          truth,
        ),
        client: null,
      };
  }
}

/** The report as summary lines: parameters, then what each party observed about photos matching nothing. */
export function formatFuzzyReport(r: FuzzyRunReport): string[] {
  const p = r.params;
  const cut =
    r.protocol === 'ball-expansion'
      ? `ball of ${r.evaluationsPerPhoto} hashes per photo`
      : r.protocol === 'chunked'
        ? `${p.chunks} chunks, each searched within ${Math.floor(p.maxDistance / p.chunks)} bits: ${r.evaluationsPerPhoto} OPRF evaluations per photo`
        : `${p.chunks} chunks, ${p.minChunks} must match`;
  const lines = [`near-duplicate: r = ${p.maxDistance}, ${cut}`];
  for (const [party, c] of [
    ['server', r.server],
    ['client', r.client],
  ] as const)
    if (c)
      lines.push(
        `${party} observes per non-matching photo ${c.perNonMatchingPhoto.toFixed(2)} × ${c.event} ` +
          `(${(100 * c.nonMatchingPhotosWithEvents).toFixed(1)}% of ${r.nonMatchingPhotos} photos; ${c.perMatchingPhoto.toFixed(2)} per match)`,
      );
  return lines;
}
