// tpsi-ad in the pipeline: per photo the device of an account sends one voucher per PSI input, its id derived from the
// message id and its ad the message id plus the visual derivative; the provider's matcher collects vouchers per
// account and learns the ad of real matches only once the account has t of them.
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ProtocolError } from '../../psi/errors.js';
import { createAccountSecrets, noCoordinatesUsed } from '../../psi/protocols/tpsi-ad/account.js';
import { dhfCapacity } from '../../psi/protocols/tpsi-ad/dhf.js';
import { checkPublication, tpsiServer } from '../../psi/protocols/tpsi-ad/parties.js';
import { PublishedTable, createVoucher } from '../../psi/protocols/tpsi-ad/voucher.js';
import { VOUCHER_ID_BYTES } from '../../psi/protocols/tpsi-ad/wire-format.js';
import { decodeExpected, encodeTpsiVoucher } from '../../psi/wire.js';
import { PipelineError } from '../errors.js';
import type { MessageBinding, Reveal, ScanProtocol } from '../scan-protocol.js';

const ID_LABEL = new TextEncoder().encode('scanlab pipeline voucher id v1');
/** The most vouchers one message may carry (the eight dihedral variants). */
export const MAX_VOUCHERS_PER_MESSAGE = 8;

/** The id of the k-th voucher of a message: SHA-256(label || message id || k), first 16 bytes. */
export function voucherIdOf(messageId: Uint8Array, k: number): Uint8Array {
  const m = new Uint8Array(ID_LABEL.length + messageId.length + 1);
  m.set(ID_LABEL);
  m.set(messageId, ID_LABEL.length);
  m[m.length - 1] = k;
  return sha256(m).slice(0, VOUCHER_ID_BYTES);
}

/** A uniform number in [0, 1) with 53 bits from the system CSPRNG. */
function randomUnit(): number {
  const w = crypto.getRandomValues(new Uint32Array(2));
  return ((w[0]! >>> 5) * 67108864 + (w[1]! >>> 6)) / 9007199254740992;
}

function rejected<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ProtocolError) throw new PipelineError('protocol-message-rejected', e.message);
    throw e;
  }
}

export const tpsiAdScan: ScanProtocol = {
  name: 'tpsi-ad',
  learner: 'provider',
  hashInTheClear: false,
  revealsAd: true,
  adCapacity: (config) => config.tpsi.adBytes,
  createMatcher(group, database, config) {
    const server = tpsiServer(group, database, config.tpsi);
    const bindings = new Map<string, MessageBinding>();
    return {
      publish: () => server.prepare(),
      receive(binding, messages) {
        if (messages.length < 1 || messages.length > MAX_VOUCHERS_PER_MESSAGE)
          throw new PipelineError('malformed-record', `${messages.length} vouchers in one message`);
        messages.forEach((m, k) => {
          const { voucher } = rejected(() => decodeExpected('tpsi-voucher', m, group));
          if (voucher.account !== binding.account || !equalBytes(voucher.id, voucherIdOf(binding.messageId, k)))
            throw new PipelineError(
              'wrong-binding',
              `voucher ${k} of message ${bytesToHex(binding.messageId)} belongs to another message or account`,
            );
          rejected(() => server.receive(m));
          bindings.set(bytesToHex(voucher.id), binding);
        });
        return [];
      },
      revealed(): Reveal[] {
        const out: Reveal[] = [];
        const seen = new Set<string>();
        for (const view of server.accounts())
          for (const r of view.revealed) {
            const binding = bindings.get(bytesToHex(r.id));
            if (!binding) continue;
            const key = bytesToHex(binding.messageId);
            if (seen.has(key)) continue;
            seen.add(key);
            out.push({ ...binding, ad: r.ad });
          }
        return out;
      },
      accountViews: () =>
        server.accounts().map((v) => ({
          account: v.account,
          vouchers: v.vouchers,
          replays: v.replays,
          opened: v.opened,
          realShares: v.realShares,
          keyReconstructed: v.keyReconstructed,
          revealed: v.revealed.length,
          failure: v.failure,
        })),
    };
  },
  createDevice(group, published, account, config) {
    const first = published[0];
    if (published.length !== 1 || !first)
      throw new PipelineError('protocol-message-rejected', `tpsi-ad publishes one message, got ${published.length}`);
    const { data } = rejected(() => decodeExpected('tpsi-public-data', first, group));
    // Threshold, DHF dimension and ad size are the device's own settings: a provider publishing others (or a table
    // with a repeated entry) is refused, not followed.
    rejected(() => checkPublication(group, data, config.tpsi));
    const table = new PublishedTable(group, data);
    const secrets = createAccountSecrets(account, config.tpsi.threshold, data.dhfDimension);
    const capacity = dhfCapacity(data.dhfDimension);
    const used = noCoordinatesUsed();
    let synthetic = 0;
    const decoys = new Map<string, boolean[]>();
    return {
      scan(request) {
        if (request.account !== account)
          throw new PipelineError('wrong-binding', `account ${account}'s device asked to scan for ${request.account}`);
        if (request.inputs.length > MAX_VOUCHERS_PER_MESSAGE)
          throw new PipelineError('malformed-record', `${request.inputs.length} inputs for one photo`);
        const flags: boolean[] = [];
        decoys.set(bytesToHex(request.messageId), flags);
        return request.inputs.map((input, k) => {
          const isSynthetic = synthetic < capacity && randomUnit() < config.tpsi.syntheticRate;
          if (isSynthetic) synthetic++;
          flags.push(isSynthetic);
          const photo = { account, input, id: voucherIdOf(request.messageId, k), ad: request.ad };
          return encodeTpsiVoucher(group, createVoucher(table, secrets, photo, isSynthetic, { used }));
        });
      },
      receive() {
        throw new PipelineError('protocol-message-rejected', 'the tpsi-ad device expects no replies');
      },
      learned: () => new Map(),
      decoys: () => decoys,
    };
  },
};
