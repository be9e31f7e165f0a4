// How a PSI protocol plugs into the pipeline: a device-side scanner that turns one photo's hashes into the protocol
// messages sent beside its envelope, and a matcher (the provider's server side) that consumes them per message.
// Protocols register by name in ./protocols/registry.ts.
import type { PrimeOrderGroup } from '../psi/group/group.js';
import type { TpsiParams } from '../psi/protocols/tpsi-ad/params.js';

/** What a message is bound to: the relay reads it from the record's header and hands it to the matcher. */
export interface MessageBinding {
  readonly account: number;
  /** 16 bytes, unique per message. */
  readonly messageId: Uint8Array;
}

/** One photo as the device's scanner sees it. */
export interface ScanRequest extends MessageBinding {
  /** The photo's PSI inputs: one hash, or the eight dihedral variants. */
  readonly inputs: readonly Uint8Array[];
  /** The data a protocol with associated data reveals on a match (message id and visual derivative). */
  readonly ad: Uint8Array;
}

export interface DeviceScanner {
  /** The protocol messages to send beside one photo's envelope. */
  scan(request: ScanRequest): Uint8Array[];
  /**
   * A reply the matcher sent back through the relay for message `messageId` (oprf-membership, ball-expansion,
   * chunked); returns the messages to send the matcher next for the same message (chunked's distance check), or none.
   */
  receive(messageId: Uint8Array, reply: Uint8Array): Uint8Array[];
  /** What the device learned: message id (hex) → matched, for protocols whose device learns the result. */
  learned(): ReadonlyMap<string, boolean>;
  /**
   * Per message id (hex), which of its protocol messages were decoys (tpsi-ad's synthetic vouchers): known to the
   * device only; the run uses it as ground truth. Empty for protocols without decoys.
   */
  decoys(): ReadonlyMap<string, readonly boolean[]>;
}

/** A message the provider learned to be a match, with the associated data it learned (null when it has none). */
export interface Reveal extends MessageBinding {
  readonly ad: Uint8Array | null;
}

export interface Matcher {
  /** Messages published once and handed to every device (a filter, a blinded table); may be empty. */
  publish(): Uint8Array[];
  /**
   * One photo's protocol messages with the binding the relay read (those in its record, then any the device sent in
   * answer to replies); returns the replies for the device. Messages not bound to `binding`, or rejected by the
   * protocol, throw PipelineError.
   */
  receive(binding: MessageBinding, messages: readonly Uint8Array[]): Uint8Array[];
  /** What the provider has learned so far: the messages it knows to be matches. */
  revealed(): Reveal[];
  /** The protocol's per-account state as the provider sees it (JSON), for the report. */
  accountViews(): unknown[];
}

/** The protocol settings a pipeline run passes to both sides (each protocol reads the ones it has). */
export interface ScanConfig {
  /** oprf-membership: the filter's target false-positive rate. */
  readonly falsePositiveRate: number;
  /** tpsi-ad: threshold, synthetic rate, cuckoo ε, DHF capacity and ad size (the device fixes its own copy). */
  readonly tpsi: TpsiParams;
  /** Fuzzy protocols: the Hamming distance that counts as a match (0 for the exact protocols, which ignore it). */
  readonly maxDistance: number;
  /** chunked, chunked-tpsi: chunks m a hash is cut into; chunked-tpsi: chunks k that must match. */
  readonly chunks: number;
  readonly minChunks: number;
}

export interface ScanProtocol {
  readonly name: string;
  /** Who learns whether a photo matched. */
  readonly learner: 'provider' | 'device' | 'nobody';
  /** The relay's bytes carry the photo's hash in the clear (by design: plaintext). */
  readonly hashInTheClear: boolean;
  /** Matches reveal the associated data (the visual derivative) to the provider's reviewer. */
  readonly revealsAd: boolean;
  /** The associated data size the protocol accepts (0 when it carries none). */
  adCapacity(config: ScanConfig): number;
  createMatcher(group: PrimeOrderGroup, database: readonly Uint8Array[], config: ScanConfig): Matcher;
  createDevice(
    group: PrimeOrderGroup,
    published: readonly Uint8Array[],
    account: number,
    config: ScanConfig,
  ): DeviceScanner;
}
