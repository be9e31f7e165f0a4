// tpsi-ad in the pipeline: per photo the device of an account sends one voucher per PSI input, its id derived from the
// message id and its ad the message id plus the visual derivative; the provider's matcher collects vouchers per
// account and learns the ad of real matches only once the account has t of them.
import { randomUnit, systemRandom } from '../../psi/random.js';
import { createAccountSecrets, noCoordinatesUsed } from '../../psi/protocols/tpsi-ad/account.js';
import { dhfCapacity } from '../../psi/protocols/tpsi-ad/dhf.js';
import { checkPublication, tpsiServer } from '../../psi/protocols/tpsi-ad/parties.js';
import { PublishedTable, createVoucher } from '../../psi/protocols/tpsi-ad/voucher.js';
import { decodeExpected, encodeTpsiVoucher } from '../../psi/wire.js';
import { PipelineError } from '../errors.js';
import type { ScanProtocol } from '../scan-protocol.js';
import { rejected } from './rejected.js';
import { voucherDevice, voucherMatcher } from './vouchers.js';

export const tpsiAdScan: ScanProtocol = {
  name: 'tpsi-ad',
  learner: 'provider',
  hashInTheClear: false,
  revealsAd: true,
  adCapacity: (config) => config.tpsi.adBytes,
  createMatcher(group, database, config) {
    const server = tpsiServer(group, database, config.tpsi);
    return voucherMatcher(server, (m) => decodeExpected('tpsi-voucher', m, group).voucher);
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
    return voucherDevice('tpsi-ad', account, (photo) => {
      const isSynthetic = synthetic < capacity && randomUnit(systemRandom) < config.tpsi.syntheticRate;
      if (isSynthetic) synthetic++;
      const voucher = createVoucher(table, secrets, photo, isSynthetic, { used });
      return { bytes: encodeTpsiVoucher(group, voucher), synthetic: isSynthetic };
    });
  },
};
