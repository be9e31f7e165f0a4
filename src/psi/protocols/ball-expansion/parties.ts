// ball-expansion: the client runs the OPRF on every hash within radius r of each photo's hash (Σ_{i≤r} C(n, i) per
// photo) and tests each output against the server's published Bloom filter of OPRF_k(y). Exact up to the filter's
// false positives, but the cost grows as the ball: a run whose ball exceeds the budget is refused. What it leaks: the
// server learns only the number of evaluations (fixed by r); the client learns, for every hit, which point of its ball
// is in the database — that is, the matching entry's full hash and its distance.
import { bytesToHex } from '@noble/curves/utils.js';
import { BloomFilter, bloomParams } from '../../bloom.js';
import { ProtocolError } from '../../errors.js';
import { countingGroup } from '../../group/counting.js';
import type { PrimeOrderGroup, Scalar } from '../../group/group.js';
import { psiInput } from '../../hash-input.js';
import { oprfBlind, oprfBlindEvaluate, oprfFinalize, oprfSuite } from '../../oprf.js';
import { countOprfEvaluations, evaluateOprfInWorkers, oprfFilterHere } from '../../oprf-database.js';
import { Transcript } from '../../transcript.js';
import { decodeExpected, encodeOprfFilter, type WireLimits } from '../../wire.js';
import { filterClient } from '../fuzzy/filter.js';
import { encodeFuzzyOprfBatch } from '../fuzzy/messages.js';
import { ballOf, ballSize, hammingBytes, parsePsiInput, parseSameHashes } from '../fuzzy/hash-bits.js';
import { requireWithinBudget, type FuzzyParams } from '../fuzzy/params.js';
import type { PreparedOprfDatabase } from '../oprf-membership.js';
import { partyBasics, type PsiParty, type WorkerSetupParty } from '../party.js';

/** OPRF evaluations per photo for a hash of `nbits` bits at radius r. */
export const ballExpansionQueriesPerPhoto = (nbits: number, maxDistance: number): number =>
  ballSize(nbits, maxDistance);

/**
 * The filter's false-positive rate per OPRF output, so that a photo (a whole ball of outputs) is a false positive
 * with probability about `perPhotoRate`.
 */
export const ballFilterRate = (perPhotoRate: number, evaluations: number): number => perPhotoRate / evaluations;

export function ballExpansionServer(
  baseGroup: PrimeOrderGroup,
  database: readonly Uint8Array[],
  options: { readonly filterRate: number; readonly limits?: WireLimits },
): WorkerSetupParty {
  const { group, counts } = countingGroup(baseGroup);
  const suite = oprfSuite(group);
  const basics = partyBasics('server', counts);
  const { transcript } = basics;
  const params = bloomParams(database.length, options.filterRate);
  let prepared: PreparedOprfDatabase | undefined;
  let key: Scalar | undefined;
  return {
    ...basics,
    async setupInWorkers(jobs) {
      if (jobs <= 1) return;
      const k = group.randomScalar();
      const filter = new BloomFilter(params);
      await evaluateOprfInWorkers(group, k, database, jobs, (output) => filter.add(output));
      countOprfEvaluations(counts, database.length);
      prepared = { key: k, filter };
    },
    prepare() {
      if (!prepared) {
        const k = group.randomScalar();
        prepared = { key: k, filter: oprfFilterHere(group, k, database, params) };
      }
      key = prepared.key;
      return [encodeOprfFilter(group, database.length, prepared.filter)];
    },
    start: () => [],
    receive(message) {
      if (!key) throw new ProtocolError('unexpected-message', 'a request before the server prepared its database');
      const k = key;
      const { photo, elements } = decodeExpected('fuzzy-oprf-request', message, group, options.limits);
      transcript.received('fuzzy-oprf-request', message);
      transcript.computed('query', { photo, evaluations: elements.length });
      return [
        encodeFuzzyOprfBatch(
          'fuzzy-oprf-response',
          group,
          photo,
          elements.map((e) => oprfBlindEvaluate(suite, k, e)),
        ),
      ];
    },
    outcome: () => null,
  };
}

export function ballExpansionClient(
  baseGroup: PrimeOrderGroup,
  queries: readonly Uint8Array[],
  params: FuzzyParams,
  limits?: WireLimits,
): PsiParty {
  const { hashes, nbits } = parseSameHashes(queries, 'ball-expansion', 'photo hashes');
  requireWithinBudget(
    `ball-expansion at radius ${params.maxDistance} of a ${nbits}-bit hash`,
    ballExpansionQueriesPerPhoto(nbits, params.maxDistance),
    params.ballBudget,
  );
  const { group, counts } = countingGroup(baseGroup);
  const suite = oprfSuite(group);
  const transcript = new Transcript('client');
  let pending: { photo: number; inputs: Uint8Array[]; blinds: Scalar[] } | undefined;

  const request = (photo: number): Uint8Array[] => {
    const x = hashes[photo];
    if (!x) return [];
    const inputs = ballOf(x.bits, x.nbits, params.maxDistance).map((bits) => psiInput({ ...x, bits }));
    const blinded = inputs.map((input) => oprfBlind(suite, input));
    pending = { photo, inputs, blinds: blinded.map((b) => b.blind) };
    return [
      encodeFuzzyOprfBatch(
        'fuzzy-oprf-request',
        group,
        photo,
        blinded.map((b) => b.blinded),
      ),
    ];
  };

  return filterClient({
    filterType: 'oprf-filter',
    request,
    group,
    counts,
    transcript,
    limits,
    photos: hashes.length,
    answer(decoded, message, filter, matches) {
      if (decoded.type !== 'fuzzy-oprf-response')
        throw new ProtocolError('unexpected-message', `the ball-expansion client does not accept ${decoded.type}`);
      if (!pending || decoded.photo !== pending.photo)
        throw new ProtocolError('unexpected-message', `a response for photo ${decoded.photo}, none pending`);
      if (decoded.elements.length !== pending.inputs.length)
        throw new ProtocolError(
          'wrong-count',
          `${decoded.elements.length} evaluations for ${pending.inputs.length} requests`,
        );
      transcript.received(decoded.type, message);
      const { photo, inputs, blinds } = pending;
      const x = hashes[photo]!;
      const hits = inputs.flatMap((input, i) =>
        filter.has(oprfFinalize(suite, input, blinds[i]!, decoded.elements[i]!)) ? [parsePsiInput(input)] : [],
      );
      matches[photo] = hits.length > 0;
      // What the client learns beyond membership: each hit names a database hash exactly (a point it chose itself).
      transcript.computed('ball', {
        photo,
        evaluations: inputs.length,
        hits: hits.length,
        hitDistances: hits.map((h) => hammingBytes(h.bits, x.bits)),
        hitHashes: hits.map((h) => bytesToHex(h.bits)),
      });
      pending = undefined;
      return request(photo + 1);
    },
  });
}
