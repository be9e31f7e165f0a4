import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/curves/utils.js';
import { p256Noble, ristretto255Noble } from '../src/psi/group/noble.js';
import { loadRistretto255Sodium } from '../src/psi/group/sodium.js';
import type { PrimeOrderGroup } from '../src/psi/group/group.js';
import {
  oprfBlind,
  oprfBlindEvaluate,
  oprfBlindWith,
  oprfDeriveSecretKey,
  oprfEvaluate,
  oprfFinalize,
  oprfSuite,
} from '../src/psi/oprf.js';
import { ProtocolError } from '../src/psi/errors.js';

interface OprfVectors {
  identifier: string;
  groupDST: string;
  keyInfo: string;
  seed: string;
  skSm: string;
  vectors: { Blind: string; BlindedElement: string; EvaluationElement: string; Input: string; Output: string }[];
}

const suites = JSON.parse(
  readFileSync(new URL('./vectors/rfc9497/oprf-mode0.json', import.meta.url), 'utf8'),
) as OprfVectors[];
const groups: Record<string, PrimeOrderGroup> = {};
beforeAll(async () => {
  groups['ristretto255/noble'] = ristretto255Noble;
  groups['ristretto255/sodium'] = await loadRistretto255Sodium();
  groups['p256/noble'] = p256Noble;
});

describe.each(['ristretto255/noble', 'ristretto255/sodium', 'p256/noble'])('RFC 9497 OPRF mode vectors: %s', (name) => {
  it('derives skSm and reproduces every blinded element, evaluation and output', () => {
    const group = groups[name]!;
    const v = suites.find((s) => s.identifier === group.suite)!;
    expect(v.vectors.length).toBe(2);
    const suite = oprfSuite(group);
    expect(bytesToHex(suite.hashToGroupDst)).toBe(v.groupDST);
    const key = oprfDeriveSecretKey(suite, hexToBytes(v.seed), hexToBytes(v.keyInfo));
    expect(bytesToHex(group.encodeScalar(key))).toBe(v.skSm);
    for (const t of v.vectors) {
      const input = hexToBytes(t.Input);
      const r = group.decodeScalar(hexToBytes(t.Blind));
      const blinded = oprfBlindWith(suite, input, r);
      expect(bytesToHex(group.encodeElement(blinded))).toBe(t.BlindedElement);
      const evaluated = oprfBlindEvaluate(suite, key, group.decodeElement(hexToBytes(t.BlindedElement)));
      expect(bytesToHex(group.encodeElement(evaluated))).toBe(t.EvaluationElement);
      expect(bytesToHex(oprfFinalize(suite, input, r, group.decodeElement(hexToBytes(t.EvaluationElement))))).toBe(
        t.Output,
      );
      expect(bytesToHex(oprfEvaluate(suite, key, input))).toBe(t.Output);
    }
  });

  it('a random blind gives the same output as the server-side evaluation', () => {
    const group = groups[name]!;
    const suite = oprfSuite(group);
    const key = group.randomScalar();
    const input = new TextEncoder().encode(`photo ${name}`);
    const b = oprfBlind(suite, input);
    const out = oprfFinalize(suite, input, b.blind, oprfBlindEvaluate(suite, key, b.blinded));
    expect(bytesToHex(out)).toBe(bytesToHex(oprfEvaluate(suite, key, input)));
    expect(bytesToHex(out)).not.toBe(bytesToHex(oprfEvaluate(suite, group.randomScalar(), input)));
  });
});

describe('OPRF against noble’s RFC 9497 implementation', () => {
  it('our client with noble’s server, and noble’s client with our server, agree', () => {
    for (const name of ['ristretto255/noble', 'ristretto255/sodium']) {
      const group = groups[name]!;
      const suite = oprfSuite(group);
      const keys = ristretto255_oprf.oprf.generateKeyPair();
      const key = group.decodeScalar(keys.secretKey);
      for (let i = 0; i < 5; i++) {
        const input = new Uint8Array([i, 1, 2, 3]);
        const ours = oprfBlind(suite, input);
        const evaluatedByNoble = ristretto255_oprf.oprf.blindEvaluate(
          keys.secretKey,
          group.encodeElement(ours.blinded),
        );
        const out = oprfFinalize(suite, input, ours.blind, group.decodeElement(evaluatedByNoble));
        const theirs = ristretto255_oprf.oprf.blind(input);
        const evaluatedByUs = group.encodeElement(oprfBlindEvaluate(suite, key, group.decodeElement(theirs.blinded)));
        expect(bytesToHex(ristretto255_oprf.oprf.finalize(input, theirs.blind, evaluatedByUs))).toBe(bytesToHex(out));
      }
    }
  });

  it('finalize refuses an identity evaluation', () => {
    const group = groups['ristretto255/sodium']!;
    const suite = oprfSuite(group);
    const b = oprfBlind(suite, new Uint8Array([1]));
    const identity = group.add(
      b.blinded,
      group.multiply(
        group.decodeScalar(hexToBytes('ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')),
        b.blinded,
      ),
    );
    expect(group.isIdentity(identity)).toBe(true);
    expect(() => oprfFinalize(suite, new Uint8Array([1]), b.blind, identity)).toThrow(ProtocolError);
  });
});
