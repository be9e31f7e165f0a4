// The pipeline's side of the voucher protocols (tpsi-ad, chunked-tpsi): per photo the device of an account sends one
// voucher per PSI input, its id derived from the message id; the provider's matcher checks that each voucher is bound
// to the message and account the relay read, hands it to the PSI server party, and maps the ads the server reveals
// back to their messages.
import { bytesToHex, equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { AccountView } from '../../psi/protocols/tpsi-ad/collector.js';
import type { TpsiPhoto } from '../../psi/protocols/tpsi-ad/voucher.js';
import { VOUCHER_ID_BYTES } from '../../psi/protocols/tpsi-ad/wire-format.js';
import { PipelineError } from '../errors.js';
import type { DeviceScanner, Matcher, MessageBinding, Reveal } from '../scan-protocol.js';
import { rejected } from './rejected.js';

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

/** What the matcher needs of a voucher protocol's server party. */
export interface VoucherServer {
  prepare(): Uint8Array[];
  receive(message: Uint8Array): Uint8Array[];
  accounts(): AccountView[];
}

/**
 * The matcher of a voucher protocol: `bindingOf` decodes a voucher's account and id (throwing ProtocolError for
 * bytes that are not one), which must be those the relay read for the message.
 */
export function voucherMatcher(
  server: VoucherServer,
  bindingOf: (voucher: Uint8Array) => { readonly account: number; readonly id: Uint8Array },
): Matcher {
  const bindings = new Map<string, MessageBinding>();
  return {
    publish: () => server.prepare(),
    receive(binding, messages) {
      if (messages.length < 1 || messages.length > MAX_VOUCHERS_PER_MESSAGE)
        throw new PipelineError('malformed-record', `${messages.length} vouchers in one message`);
      messages.forEach((m, k) => {
        const voucher = rejected(() => bindingOf(m));
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
      const out = new Map<string, Reveal>();
      for (const view of server.accounts())
        for (const r of view.revealed) {
          const binding = bindings.get(bytesToHex(r.id));
          const key = binding && bytesToHex(binding.messageId);
          if (binding && key && !out.has(key)) out.set(key, { ...binding, ad: r.ad });
        }
      return [...out.values()];
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
}

/**
 * The device of one account: per PSI input of a photo one voucher from `voucherOf` (which says whether it made a
 * synthetic one: a decoy the run counts as ground truth). `name` is the protocol's, for errors.
 */
export function voucherDevice(
  name: string,
  account: number,
  voucherOf: (photo: TpsiPhoto) => { readonly bytes: Uint8Array; readonly synthetic: boolean },
): DeviceScanner {
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
        const made = voucherOf({ account, input, id: voucherIdOf(request.messageId, k), ad: request.ad });
        flags.push(made.synthetic);
        return made.bytes;
      });
    },
    receive() {
      throw new PipelineError('protocol-message-rejected', `the ${name} device expects no replies`);
    },
    learned: () => new Map(),
    decoys: () => decoys,
  };
}
