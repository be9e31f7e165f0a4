// chunked: multi-index hashing inside the OPRF, then an encrypted distance check. The server publishes a Bloom filter of
// OPRF_k(chunk j of y) over every entry's m chunks; per photo the client evaluates the OPRF on every value within
// ⌊r/m⌋ bits of each of its chunks (by the pigeonhole principle an entry within r shares at least one such chunk) and
// keeps the outputs the filter holds. For those it sends lookup tags (16 bytes of the output) with its hash's bits
// encrypted under a fresh ElGamal key; the server maps the tags to candidate entries and returns, per candidate,
// r + 1 shuffled ciphertexts of which one decrypts to zero exactly when the distance is ≤ r. Exact against plaintext
// Hamming matching (no false negatives; false positives only with probability ~2^-128 per tag collision).
// Leaks: the server learns which entries are candidates (an entry's chunk j lies within ⌊r/m⌋ bits of the photo's
// chunk j) and how many; the client learns which of its chunk neighbours are database chunk values and the number of
// candidates, and whether the photo matches — not which entry or at what distance.
import { bytesToHex } from '@noble/curves/utils.js';
import type { Hash } from '../../../hash/types.js';
import { BloomFilter, bloomParams } from '../../bloom.js';
import { ProtocolError } from '../../errors.js';
import { countingGroup } from '../../group/counting.js';
import type { GroupElement, PrimeOrderGroup, Scalar } from '../../group/group.js';
import { oprfBlind, oprfBlindEvaluate, oprfFinalize, oprfSuite } from '../../oprf.js';
import { countOprfEvaluations, evaluateOprfHere, evaluateOprfInWorkers } from '../../oprf-database.js';
import type { RandomSource } from '../../random.js';
import { secureShuffle } from '../../shuffle.js';
import { Transcript } from '../../transcript.js';
import { decodeMessage, type MessageOf, type WireLimits } from '../../wire.js';
import {
  DistanceEvaluator,
  elgamalKey,
  encryptBits,
  encryptsZero,
  fuzzyGenerator,
  type ElGamalCiphertext,
} from '../fuzzy/elgamal.js';
import { ballOf, chunkInput, chunkInputsOf, chunkRanges, extractBits, parseSameHashes } from '../fuzzy/hash-bits.js';
import {
  encodeChunkFilter,
  encodeDistanceAnswer,
  encodeDistanceQuery,
  encodeFuzzyOprfBatch,
} from '../fuzzy/messages.js';
import { chunkRadius, chunkedQueriesPerPhoto, requireWithinBudget, type FuzzyParams } from '../fuzzy/params.js';
import { LOOKUP_TAG_BYTES } from '../fuzzy/wire-format.js';
import { partyBasics, type PsiParty, type WorkerSetupParty } from '../party.js';
import { filterClient } from '../fuzzy/filter.js';

/** The lookup tag of an OPRF output: bytes 8..24 (the filter probes use bytes 0..8). */
export const lookupTag = (output: Uint8Array): Uint8Array => output.slice(8, 8 + LOOKUP_TAG_BYTES);

/** Every database entry's chunk inputs: what the server evaluates and the candidates' source (plaintext simulation too). */
export interface ChunkIndex {
  /** Distinct (chunk, value) inputs. */
  readonly inputs: Uint8Array[];
  /** For each distinct input, the entries holding it and the chunk index. */
  readonly postings: { readonly chunk: number; readonly entries: number[] }[];
}

export function buildChunkIndex(database: readonly Hash[], chunks: number): ChunkIndex {
  const byInput = new Map<string, number>();
  const inputs: Uint8Array[] = [];
  const postings: { chunk: number; entries: number[] }[] = [];
  database.forEach((y, i) => {
    chunkInputsOf(y, chunks).forEach((input, j) => {
      const hex = bytesToHex(input);
      const at = byInput.get(hex);
      if (at !== undefined) postings[at]!.entries.push(i);
      else {
        byInput.set(hex, inputs.length);
        inputs.push(input);
        postings.push({ chunk: j, entries: [i] });
      }
    });
  });
  return { inputs, postings };
}

export interface ChunkedServerOptions {
  readonly falsePositiveRate: number;
  readonly limits?: WireLimits;
  /** The order of the distance answers' ciphertexts (the CSPRNG unless a run asks for deterministic keys). */
  readonly random?: RandomSource;
}

export function chunkedServer(
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  params: FuzzyParams,
  options: ChunkedServerOptions,
): WorkerSetupParty {
  const { hashes: entries, nbits } = parseSameHashes(database, 'chunked', 'database hashes');
  const { group, counts } = countingGroup(baseGroup);
  const suite = oprfSuite(group);
  const basics = partyBasics('server', counts);
  const { transcript } = basics;
  const generator = fuzzyGenerator(group);
  const evaluator = nbits > 0 ? new DistanceEvaluator(group, generator, nbits, params.maxDistance) : undefined;
  const tags = new Map<string, { chunk: number; entries: number[] }>();
  let published: Uint8Array | undefined;
  let key: Scalar | undefined;

  /** The key, the distinct chunk values to evaluate, what to do with each output (in order), and the publication. */
  const beginSetup = () => {
    const k = group.randomScalar();
    const index = buildChunkIndex(entries, params.chunks);
    const filter = new BloomFilter(bloomParams(index.inputs.length, options.falsePositiveRate));
    let i = 0;
    return {
      key: k,
      inputs: index.inputs,
      each(output: Uint8Array): void {
        filter.add(output);
        tags.set(bytesToHex(lookupTag(output)), index.postings[i++]!);
      },
      finish(): void {
        key = k;
        published = encodeChunkFilter(group, nbits, params.chunks, index.inputs.length, filter);
      },
    };
  };

  const answer = (m: MessageOf<'fuzzy-distance-query'>): Uint8Array => {
    if (m.bits.length !== nbits || !evaluator)
      throw new ProtocolError('invalid-field', `${m.bits.length} encrypted bits for ${nbits}-bit entries`);
    const candidates = new Set<number>();
    const chunksHit: number[] = [];
    let unknown = 0;
    for (const tag of m.tags) {
      const posting = tags.get(bytesToHex(tag));
      if (!posting) unknown++;
      else {
        chunksHit.push(posting.chunk);
        for (const e of posting.entries) candidates.add(e);
      }
    }
    transcript.computed('candidates', {
      photo: m.photo,
      tags: m.tags.length,
      unknownTags: unknown,
      chunksHit,
      entries: [...candidates].sort((a, b) => a - b),
    });
    const out: ElGamalCiphertext[] = [];
    for (const e of candidates) out.push(...evaluator.compare(m.bits, entries[e]!));
    return encodeDistanceAnswer(group, m.photo, secureShuffle(out, options.random));
  };

  return {
    ...basics,
    async setupInWorkers(jobs) {
      if (jobs <= 1) return;
      const setup = beginSetup();
      await evaluateOprfInWorkers(group, setup.key, setup.inputs, jobs, setup.each);
      countOprfEvaluations(counts, setup.inputs.length);
      setup.finish();
    },
    prepare() {
      if (!published) {
        const setup = beginSetup();
        evaluateOprfHere(group, setup.key, setup.inputs, setup.each);
        setup.finish();
      }
      return [published!];
    },
    start: () => [],
    receive(message) {
      if (!key) throw new ProtocolError('unexpected-message', 'a request before the server prepared its database');
      const k = key;
      const decoded = decodeMessage(message, group, options.limits);
      if (decoded.type === 'fuzzy-oprf-request') {
        transcript.received(decoded.type, message);
        transcript.computed('query', { photo: decoded.photo, evaluations: decoded.elements.length });
        const evaluated = decoded.elements.map((e) => oprfBlindEvaluate(suite, k, e));
        return [encodeFuzzyOprfBatch('fuzzy-oprf-response', group, decoded.photo, evaluated)];
      }
      if (decoded.type !== 'fuzzy-distance-query')
        throw new ProtocolError('unexpected-message', `the chunked server does not accept ${decoded.type}`);
      transcript.received(decoded.type, message);
      return [answer(decoded)];
    },
    outcome: () => null,
  };
}

interface PendingPhoto {
  readonly photo: number;
  readonly inputs: Uint8Array[];
  readonly chunkOf: number[];
  readonly blinds: Scalar[];
  secret?: Scalar;
}

export function chunkedClient(
  baseGroup: PrimeOrderGroup,
  queries: readonly Uint8Array[],
  params: FuzzyParams,
  limits?: WireLimits,
): PsiParty {
  const { hashes, nbits } = parseSameHashes(queries, 'chunked', 'photo hashes');
  const first = hashes[0];
  if (first) {
    chunkRanges(nbits, params.chunks);
    requireWithinBudget(
      `chunked with ${params.chunks} chunks at radius ${params.maxDistance} (each chunk within ${chunkRadius(params)} bits)`,
      chunkedQueriesPerPhoto(nbits, params),
      params.ballBudget,
    );
  }
  const { group, counts } = countingGroup(baseGroup);
  const suite = oprfSuite(group);
  const generator = fuzzyGenerator(group);
  const transcript = new Transcript('client');
  let pending: PendingPhoto | undefined;

  const request = (photo: number): Uint8Array[] => {
    const x = hashes[photo];
    if (!x) return [];
    const inputs: Uint8Array[] = [];
    const chunkOf: number[] = [];
    chunkRanges(x.nbits, params.chunks).forEach((range, j) => {
      for (const value of ballOf(extractBits(x, range), range.width, chunkRadius(params))) {
        inputs.push(chunkInput(x.algo, x.nbits, params.chunks, j, value));
        chunkOf.push(j);
      }
    });
    const blinded = inputs.map((input) => oprfBlind(suite, input));
    pending = { photo, inputs, chunkOf, blinds: blinded.map((b) => b.blind) };
    const elements: GroupElement[] = blinded.map((b) => b.blinded);
    return [encodeFuzzyOprfBatch('fuzzy-oprf-request', group, photo, elements)];
  };

  const onEvaluated = (p: PendingPhoto, elements: readonly GroupElement[], f: BloomFilter): Uint8Array[] => {
    if (elements.length !== p.inputs.length)
      throw new ProtocolError('wrong-count', `${elements.length} evaluations for ${p.inputs.length} requests`);
    const tags: Uint8Array[] = [];
    const chunksHit: number[] = [];
    p.inputs.forEach((input, i) => {
      const output = oprfFinalize(suite, input, p.blinds[i]!, elements[i]!);
      if (f.has(output)) {
        tags.push(lookupTag(output));
        chunksHit.push(p.chunkOf[i]!);
      }
    });
    transcript.computed('chunk hits', { photo: p.photo, evaluations: p.inputs.length, hits: tags.length, chunksHit });
    if (tags.length === 0) return [];
    const key = elgamalKey(group, generator);
    p.secret = key.secret;
    const bits = encryptBits(group, generator, key.publicKey, hashes[p.photo]!);
    return [encodeDistanceQuery(group, p.photo, key.publicKey, tags, bits)];
  };

  /** Records the photo's result and requests the next photo. */
  const finish = (matches: boolean[], photo: number, match: boolean): Uint8Array[] => {
    matches[photo] = match;
    pending = undefined;
    return request(photo + 1);
  };

  return filterClient({
    filterType: 'fuzzy-chunk-filter',
    checkFilter(published) {
      if (
        published.type === 'fuzzy-chunk-filter' &&
        first &&
        (published.nbits !== nbits || published.chunks !== params.chunks)
      )
        throw new ProtocolError(
          'parameter-mismatch',
          `the server cut ${published.nbits}-bit hashes into ${published.chunks} chunks; this client uses ${params.chunks} of ${nbits}`,
        );
    },
    group,
    counts,
    transcript,
    limits,
    photos: hashes.length,
    request,
    answer(decoded, message, filter, matches) {
      if (!pending || !('photo' in decoded) || decoded.photo !== pending.photo)
        throw new ProtocolError('unexpected-message', `${decoded.type} for no pending photo`);
      if (decoded.type === 'fuzzy-oprf-response' && pending.secret === undefined) {
        transcript.received(decoded.type, message);
        const query = onEvaluated(pending, decoded.elements, filter);
        return query.length > 0 ? query : finish(matches, pending.photo, false);
      }
      if (decoded.type === 'fuzzy-distance-answer' && pending.secret !== undefined) {
        const width = params.maxDistance + 1;
        if (decoded.ciphertexts.length % width !== 0)
          throw new ProtocolError(
            'wrong-count',
            `${decoded.ciphertexts.length} ciphertexts, not a multiple of ${width}`,
          );
        transcript.received(decoded.type, message);
        const secret = pending.secret;
        const match = decoded.ciphertexts.some((ct) => encryptsZero(group, secret, ct));
        transcript.computed('distance', {
          photo: pending.photo,
          candidates: decoded.ciphertexts.length / width,
          match,
        });
        return finish(matches, pending.photo, match);
      }
      throw new ProtocolError('unexpected-message', `the chunked client does not accept ${decoded.type} now`);
    },
  });
}
