// PDQ's quality score (0–100, how much detail the 64×64 downsample has) and the quality gate built on it.
import type { Hash } from '../types.js';

/** ThreatExchange's recommended minimum quality: hashes below it are too featureless to match reliably. */
export const PDQ_DEFAULT_MIN_QUALITY = 50;

/**
 * The reference's image-domain quality metric: sum over all vertical and horizontal neighbour pairs of
 * |trunc(float((u − v) · 100) / 255)|, divided by 90 (integer division) and capped at 100. Each step is float as
 * `pdqImageDomainQualityMetric`, so flat regions count zero and only significant gradients add up.
 */
export function pdqQualityMetric(buffer64x64: Float32Array): number {
  const f = Math.fround;
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(f(f(f(buffer64x64[i * 64 + j]! - buffer64x64[(i + 1) * 64 + j]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(f(f(f(buffer64x64[i * 64 + j]! - buffer64x64[i * 64 + j + 1]!) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  return Math.min(100, Math.floor(gradientSum / 90));
}

/** True when a PDQ hash's quality is under the gate (a hash without a quality counts as 0). */
export function isBelowPdqQuality(hash: Hash, minQuality = PDQ_DEFAULT_MIN_QUALITY): boolean {
  return (hash.quality ?? 0) < minQuality;
}

/**
 * A one-line note for a hash under the quality gate, or undefined when it passes. Quality 0 means the downsample
 * has no significant gradient at all (a flat or all-black image): its bits are then set by rounding noise
 * (all zero for an all-black image) and say nothing about the picture.
 */
export function pdqQualityNote(hash: Hash, minQuality = PDQ_DEFAULT_MIN_QUALITY): string | undefined {
  const quality = hash.quality ?? 0;
  if (quality >= minQuality) return undefined;
  if (quality === 0) return `quality 0 < ${minQuality}: flat or blank image, the hash carries no information`;
  return `quality ${quality} < ${minQuality}: too little detail for a reliable PDQ hash`;
}
