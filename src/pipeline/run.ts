// One pipeline run in one process: photos of simulated accounts go from their sender devices through the relay to
// the matcher, the reviewer and the recipients; per photo it measures device steps, bytes and server time beside
// plain end-to-end encryption of the same photo, and checks what each party ends up with against the ground truth.
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { performance } from 'node:perf_hooks';
import { getHasher } from '../hash/registry.js';
import type { Hash } from '../hash/types.js';
import { createGroup } from '../psi/group/create.js';
import type { BackendName, GroupName } from '../psi/group/group.js';
import { psiInput } from '../psi/hash-input.js';
import { DEFAULT_FUZZY_PARAMS } from '../psi/protocols/fuzzy/params.js';
import { DEFAULT_TPSI_PARAMS, checkTpsiParams } from '../psi/protocols/tpsi-ad/params.js';
import { SenderDevice, type DeviceTimings } from './device.js';
import { generateRecipientKeys } from './envelope.js';
import { PipelineError, PipelineUsageError } from './errors.js';
import { getScanProtocol } from './protocols/registry.js';
import { Recipient, type ReceivedFile } from './recipient.js';
import { MESSAGE_ID_BYTES } from './record.js';
import { Relay, type StoredRecord } from './relay.js';
import { reviewQueue, type ReviewItem } from './reviewer.js';
import { spread, type Spread } from './quantiles.js';
import type { DeviceScanner, ScanConfig } from './scan-protocol.js';

export interface PipelineConfig {
  readonly protocol: string;
  readonly algo: string;
  readonly dihedral: boolean;
  readonly accountThreshold: number;
  readonly syntheticRate: number;
  readonly recipients: number;
  /** Seeds the message ids (not secret); keys, blinds and synthetic coins always come from the system CSPRNG. */
  readonly seed: number;
  readonly group: GroupName;
  readonly backend: BackendName;
  /** oprf-membership: the filter's target false-positive rate. */
  readonly falsePositiveRate: number;
  /** tpsi-ad: bytes of associated data per voucher (message id + visual derivative). */
  readonly adBytes: number;
  /** Near-duplicate protocols: the Hamming distance that counts as a match (exact protocols ignore it). */
  readonly maxDistance: number;
  /** chunked, chunked-tpsi: chunks m a hash is cut into; chunked-tpsi: chunks k of a photo that must match. */
  readonly chunks: number;
  readonly minChunks: number;
}

export const DEFAULT_PIPELINE_CONFIG: PipelineConfig = {
  protocol: 'tpsi-ad',
  algo: 'pdq',
  dihedral: false,
  accountThreshold: DEFAULT_TPSI_PARAMS.threshold,
  syntheticRate: DEFAULT_TPSI_PARAMS.syntheticRate,
  recipients: 1,
  seed: 1,
  group: 'ristretto255',
  backend: 'sodium',
  falsePositiveRate: 1e-6,
  adBytes: 1024,
  maxDistance: 0,
  chunks: DEFAULT_FUZZY_PARAMS.chunks,
  minChunks: DEFAULT_FUZZY_PARAMS.minChunks,
};

export interface PipelinePhoto {
  /** Path relative to the photo folder: the name the recipient receives. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly account: number;
}

/** One message's record of what happened to it. */
export interface MessageOutcome {
  readonly index: number;
  readonly photo: string;
  readonly account: number;
  readonly messageId: string;
  /** Ground truth: one of the photo's PSI inputs is in the database. */
  readonly realMatch: boolean;
  /** Ground truth: protocol messages of matching inputs that were not decoys (tpsi-ad: real, non-synthetic vouchers). */
  readonly realVouchers: number;
  /** Some of the message's protocol messages were decoys (synthetic vouchers); known to the device only. */
  readonly decoy: boolean;
  /** Ground truth: the provider should learn this message (a real voucher of an account at or above t; plaintext: a match). */
  readonly shouldReveal: boolean;
  readonly revealed: boolean;
  /** What the device learned (oprf-membership), null where it learns nothing. */
  readonly deviceLearned: boolean | null;
  readonly timings: DeviceTimings;
  readonly plainMs: number;
  readonly plainCpuMs: number;
  readonly recordBytes: number;
  readonly plainRecordBytes: number;
  readonly protocolBytes: number;
  /** Protocol bytes after the record: the matcher's replies, and what the device sent back in answer (chunked). */
  readonly replyBytes: number;
  readonly followUpBytes: number;
  /** Device milliseconds handling the replies (finalising, chunked's distance check), outside `timings`. */
  readonly replyMs: number;
  readonly envelopeBytes: number;
  readonly relayMs: number;
  readonly matcherMs: number;
  readonly recipientMs: number;
  readonly rejected: string | null;
}

export interface PipelineCosts {
  readonly photos: number;
  readonly recipients: number;
  readonly device: {
    readonly decodeMs: Spread;
    readonly hashMs: Spread;
    readonly protocolMs: Spread;
    /** The visual derivative's share of protocolMs. */
    readonly derivativeMs: Spread;
    readonly envelopeMs: Spread;
    readonly totalMs: Spread;
    /** Plain end-to-end encryption of the same photo (same envelopes, no scan), measured in the same run. */
    readonly plainE2eeMs: Spread;
    /** totalMs − plainE2eeMs per photo. */
    readonly addedMs: Spread;
    /** CPU milliseconds of the scanning send and of plain E2EE, and their difference, per photo. */
    readonly cpuMs: Spread;
    readonly plainE2eeCpuMs: Spread;
    readonly addedCpuMs: Spread;
    /** Handling the matcher's replies after the send (oprf-membership, ball-expansion, chunked); 0 for the others. */
    readonly replyMs: Spread;
  };
  readonly bytesPerPhoto: {
    readonly record: number;
    readonly plainRecord: number;
    readonly protocol: number;
    readonly added: number;
    readonly perRecipientEnvelope: number;
    /** The matcher's replies, and the device's answers to them (chunked's distance query), per photo. */
    readonly replies: number;
    readonly followUps: number;
  };
  readonly server: {
    readonly publishMs: number;
    readonly publishedBytes: number;
    readonly relayMs: Spread;
    readonly matcherMs: Spread;
    readonly relayStoredBytes: number;
  };
  readonly recipientOpenMs: Spread;
}

/** Who saw what, per party, as the report shows it. */
export interface PartyViews {
  readonly device: { readonly learnsResult: boolean; readonly matchesLearned: number };
  readonly relay: { readonly records: number; readonly bytes: number; readonly hashInTheClear: boolean };
  readonly matcher: { readonly learner: string; readonly accounts: unknown[] };
  readonly reviewer: { readonly items: number; readonly falsePositives: number; readonly derivativesShown: boolean };
  readonly recipients: { readonly opened: number; readonly byteIdentical: number; readonly rejected: number };
}

export interface PipelineResult {
  readonly config: PipelineConfig;
  readonly databaseSize: number;
  readonly accounts: number;
  readonly messages: readonly MessageOutcome[];
  readonly costs: PipelineCosts;
  readonly views: PartyViews;
  readonly relayRecords: readonly StoredRecord[];
  /** Recipient r's files, in message order. */
  readonly received: readonly (readonly ReceivedFile[])[];
  readonly reviewer: readonly (ReviewItem & { readonly photo: string; readonly realMatch: boolean })[];
  /** Accounts whose real, non-decoy matching vouchers reached the threshold, from the ground truth. */
  readonly accountsAtThreshold: readonly number[];
}

/** The settings the pipeline's protocol parties take. */
export function scanConfigOf(config: PipelineConfig): ScanConfig {
  return {
    falsePositiveRate: config.falsePositiveRate,
    maxDistance: config.maxDistance,
    chunks: config.chunks,
    minChunks: config.minChunks,
    tpsi: checkTpsiParams({
      ...DEFAULT_TPSI_PARAMS,
      threshold: config.accountThreshold,
      syntheticRate: config.syntheticRate,
      adBytes: config.adBytes,
    }),
  };
}

/** Bits that differ between two PSI inputs of the same length (their algorithm prefixes are equal then too). */
function inputDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i]! ^ b[i]!;
    for (; x !== 0; x &= x - 1) d++;
  }
  return d;
}

/** Ground truth of a match: exact membership, or (fuzzy protocols) an entry within `maxDistance` bits. */
function matchTruth(dbInputs: readonly Uint8Array[], maxDistance: number): (x: Uint8Array) => boolean {
  const exact = new Set(dbInputs.map(bytesToHex));
  if (maxDistance === 0) return (x) => exact.has(bytesToHex(x));
  return (x) => dbInputs.some((y) => y.length === x.length && inputDistance(x, y) <= maxDistance);
}

/** Message i's id: SHA-256("scanlab pipeline message" || seed || i), first 16 bytes (ids are not secret). */
export function messageIdOf(seed: number, index: number): Uint8Array {
  return sha256(utf8ToBytes(`scanlab pipeline message ${seed} ${index}`)).slice(0, MESSAGE_ID_BYTES);
}

function checkConfig(c: PipelineConfig): void {
  if (!Number.isInteger(c.recipients) || c.recipients < 1 || c.recipients > 1024)
    throw new PipelineUsageError(`recipients must be an integer in 1..1024, got ${c.recipients}`);
  if (!Number.isSafeInteger(c.seed)) throw new PipelineUsageError(`seed must be an integer, got ${c.seed}`);
}

const timeMs = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
};

export async function runPipeline(
  config: PipelineConfig,
  photos: readonly PipelinePhoto[],
  database: readonly Hash[],
): Promise<PipelineResult> {
  checkConfig(config);
  if (photos.length === 0) throw new PipelineUsageError('no photos to send');
  const protocol = getScanProtocol(config.protocol);
  const scanConfig = scanConfigOf(config);
  const hasher = getHasher(config.algo);
  const group = await createGroup(config.group, config.backend);
  const dbInputs = database.map(psiInput);
  const isMatch = matchTruth(dbInputs, config.maxDistance);

  const matcher = protocol.createMatcher(group, dbInputs, scanConfig);
  const [published, publishMs] = timeMs(() => matcher.publish());
  const recipients = await Promise.all(
    Array.from({ length: config.recipients }, async (_, i) => new Recipient(i, await generateRecipientKeys())),
  );
  const recipientKeys = recipients.map((r) => r.publicKey);
  const plainDevice = new SenderDevice(0, recipientKeys, null);
  const devices = new Map<number, { device: SenderDevice; scanner: DeviceScanner }>();
  const deviceOf = (account: number): { device: SenderDevice; scanner: DeviceScanner } => {
    let d = devices.get(account);
    if (!d) {
      const scanner = protocol.createDevice(group, published, account, scanConfig);
      const scan = { scanner, hasher, dihedral: config.dihedral, adCapacity: protocol.adCapacity(scanConfig) };
      d = { device: new SenderDevice(account, recipientKeys, scan), scanner };
      devices.set(account, d);
    }
    return d;
  };

  const relay = new Relay();
  const received: ReceivedFile[][] = recipients.map(() => []);
  const messages: Omit<MessageOutcome, 'revealed' | 'deviceLearned' | 'realVouchers' | 'decoy' | 'shouldReveal'>[] = [];
  const inputsOf = new Map<string, readonly Uint8Array[]>();
  let byteIdentical = 0;
  let recipientRejected = 0;
  for (const [index, photo] of photos.entries()) {
    const messageId = messageIdOf(config.seed, index);
    const { device, scanner } = deviceOf(photo.account);
    const sent = await device.send({ name: photo.name, bytes: photo.bytes, messageId });
    const plain = await plainDevice.send({ name: photo.name, bytes: photo.bytes, messageId });
    let rejected: string | null = null;
    let relayMs = 0;
    let matcherMs = 0;
    let recipientMs = 0;
    let replyMs = 0;
    let replyBytes = 0;
    let followUpBytes = 0;
    try {
      const [record, rMs] = timeMs(() => relay.accept(sent.record));
      relayMs = rMs;
      // Rounds until the device has nothing more to say: the record's messages, then its answers to the replies.
      for (let messages = record.protocolMessages; messages.length > 0;) {
        const [replies, mMs] = timeMs(() => matcher.receive(record, messages));
        matcherMs += mMs;
        const [next, dMs] = timeMs(() =>
          replies.flatMap((reply) => scanner.receive(messageId, relay.forwardReply(messageId, reply))),
        );
        replyMs += dMs;
        replyBytes += replies.reduce((n, m) => n + m.length, 0);
        followUpBytes += next.reduce((n, m) => n + m.length, 0);
        messages = next.map((m) => relay.forwardFollowUp(messageId, m));
      }
    } catch (e) {
      if (!(e instanceof PipelineError)) throw e;
      rejected = e.message;
    }
    for (const [r, recipient] of recipients.entries()) {
      const t0 = performance.now();
      try {
        const file = await recipient.open(sent.record);
        received[r]!.push(file);
        if (equalBytes(file.bytes, photo.bytes)) byteIdentical++;
      } catch (e) {
        if (!(e instanceof PipelineError)) throw e;
        recipientRejected++;
      }
      recipientMs += performance.now() - t0;
    }
    inputsOf.set(bytesToHex(messageId), sent.inputs);
    messages.push({
      index,
      photo: photo.name,
      account: photo.account,
      messageId: bytesToHex(messageId),
      realMatch: sent.inputs.some(isMatch),
      timings: sent.timings,
      plainMs: plain.timings.totalMs,
      plainCpuMs: plain.timings.cpuMs,
      recordBytes: sent.record.length,
      plainRecordBytes: plain.record.length,
      protocolBytes: sent.protocolBytes,
      replyBytes,
      followUpBytes,
      replyMs,
      envelopeBytes: sent.envelopeBytes,
      relayMs,
      matcherMs,
      recipientMs: recipientMs / recipients.length,
      rejected,
    });
  }

  const reveals = reviewQueue(matcher.revealed());
  const revealedIds = new Set(reveals.map((r) => r.messageId));
  const learned = new Map<string, boolean>();
  for (const { scanner } of devices.values()) for (const [k, v] of scanner.learned()) learned.set(k, v);
  const decoys = new Map<string, readonly boolean[]>();
  for (const { scanner } of devices.values()) for (const [k, v] of scanner.decoys()) decoys.set(k, v);
  const truth = messages.map((m) => {
    const flags = decoys.get(m.messageId) ?? [];
    const inputs = inputsOf.get(m.messageId) ?? [];
    const realVouchers = inputs.filter((x, k) => isMatch(x) && flags[k] !== true).length;
    return { ...m, realVouchers, decoy: flags.some(Boolean) };
  });
  const realPerAccount = new Map<number, number>();
  for (const m of truth) realPerAccount.set(m.account, (realPerAccount.get(m.account) ?? 0) + m.realVouchers);
  const accountsAtThreshold = [...realPerAccount.entries()]
    .filter(([, n]) => n >= config.accountThreshold)
    .map(([a]) => a)
    .sort((a, b) => a - b);
  const atThreshold = new Set(accountsAtThreshold);
  const outcomes: MessageOutcome[] = truth.map((m) => ({
    ...m,
    shouldReveal:
      protocol.learner !== 'provider'
        ? false
        : protocol.revealsAd
          ? m.realVouchers > 0 && atThreshold.has(m.account)
          : m.realMatch,
    revealed: revealedIds.has(m.messageId),
    deviceLearned: learned.get(m.messageId) ?? null,
  }));
  const byId = new Map(outcomes.map((m) => [m.messageId, m]));
  const reviewer = reveals.map((r) => ({
    ...r,
    photo: byId.get(r.messageId)?.photo ?? '',
    realMatch: byId.get(r.messageId)?.realMatch ?? false,
  }));

  const n = outcomes.length;
  const mean = (f: (m: MessageOutcome) => number): number => outcomes.reduce((s, m) => s + f(m), 0) / n;
  const costs: PipelineCosts = {
    photos: n,
    recipients: config.recipients,
    device: {
      decodeMs: spread(outcomes.map((m) => m.timings.decodeMs)),
      hashMs: spread(outcomes.map((m) => m.timings.hashMs)),
      protocolMs: spread(outcomes.map((m) => m.timings.protocolMs)),
      derivativeMs: spread(outcomes.map((m) => m.timings.derivativeMs)),
      envelopeMs: spread(outcomes.map((m) => m.timings.envelopeMs)),
      totalMs: spread(outcomes.map((m) => m.timings.totalMs)),
      plainE2eeMs: spread(outcomes.map((m) => m.plainMs)),
      addedMs: spread(outcomes.map((m) => m.timings.totalMs - m.plainMs)),
      cpuMs: spread(outcomes.map((m) => m.timings.cpuMs)),
      plainE2eeCpuMs: spread(outcomes.map((m) => m.plainCpuMs)),
      addedCpuMs: spread(outcomes.map((m) => m.timings.cpuMs - m.plainCpuMs)),
      replyMs: spread(outcomes.map((m) => m.replyMs)),
    },
    bytesPerPhoto: {
      record: mean((m) => m.recordBytes),
      plainRecord: mean((m) => m.plainRecordBytes),
      protocol: mean((m) => m.protocolBytes),
      added: mean((m) => m.recordBytes - m.plainRecordBytes),
      perRecipientEnvelope: mean((m) => m.envelopeBytes),
      replies: mean((m) => m.replyBytes),
      followUps: mean((m) => m.followUpBytes),
    },
    server: {
      publishMs,
      publishedBytes: published.reduce((s, m) => s + m.length, 0),
      relayMs: spread(outcomes.map((m) => m.relayMs)),
      matcherMs: spread(outcomes.map((m) => m.matcherMs)),
      relayStoredBytes: relay.storedBytes(),
    },
    recipientOpenMs: spread(outcomes.map((m) => m.recipientMs)),
  };
  return {
    config,
    databaseSize: database.length,
    accounts: new Set(photos.map((p) => p.account)).size,
    messages: outcomes,
    costs,
    views: {
      device: {
        learnsResult: protocol.learner === 'device',
        matchesLearned: [...learned.values()].filter(Boolean).length,
      },
      relay: { records: relay.stored().length, bytes: relay.storedBytes(), hashInTheClear: protocol.hashInTheClear },
      matcher: { learner: protocol.learner, accounts: matcher.accountViews() },
      reviewer: {
        items: reviewer.length,
        falsePositives: reviewer.filter((r) => !r.realMatch).length,
        derivativesShown: protocol.revealsAd,
      },
      recipients: {
        opened: received.reduce((s, r) => s + r.length, 0),
        byteIdentical,
        rejected: recipientRejected,
      },
    },
    relayRecords: relay.stored(),
    received,
    reviewer,
    accountsAtThreshold,
  };
}
