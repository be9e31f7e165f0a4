// Attribute leakage: how well a simple classifier on a hash's bits predicts a label of the photo (the manifest's
// kind, greyscale vs colour, or any label column), cross-validated by near-duplicate group, against the majority-class
// baseline fitted on the same training folds. Evaluated on one image per group so that trials are independent.
import { wilson } from '../eval/binomial.js';
import { hashSigns } from './hash-signs.js';
import { groupFolds, groupRepresentatives, type StudyImage } from './study-images.js';

export type ClassifierName = 'logistic' | 'knn';
export const CLASSIFIERS: readonly ClassifierName[] = ['logistic', 'knn'];

export interface RateWithInterval {
  readonly rate: number;
  readonly interval: readonly [number, number];
  readonly correct: number;
  readonly n: number;
}

export interface AttributeResult {
  readonly algo: string;
  readonly label: string;
  /** Class → count among the evaluated images. */
  readonly classes: Readonly<Record<string, number>>;
  readonly n: number;
  readonly majority: RateWithInterval;
  readonly classifiers: Readonly<Record<ClassifierName, RateWithInterval>>;
}

const rate = (correct: number, n: number): RateWithInterval => {
  const p = wilson(correct, n);
  return { rate: p.estimate, interval: [p.lower, p.upper], correct, n };
};

/** Multinomial logistic regression on ±1 features with an L2 penalty, by full-batch gradient descent. */
export function trainLogistic(
  x: readonly Float64Array[],
  y: readonly number[],
  classes: number,
  options: { readonly iterations?: number; readonly rate?: number; readonly l2?: number } = {},
): (features: Float64Array) => number {
  const p = (x[0]?.length ?? 0) + 1;
  const w = new Float64Array(classes * p);
  const iterations = options.iterations ?? 300;
  const lr = options.rate ?? 0.5;
  const l2 = options.l2 ?? 0.1;
  const scores = (f: Float64Array): Float64Array => {
    const s = new Float64Array(classes);
    for (let c = 0; c < classes; c++) {
      let v = w[c * p + p - 1] ?? 0;
      for (let j = 0; j < p - 1; j++) v += (w[c * p + j] ?? 0) * (f[j] ?? 0);
      s[c] = v;
    }
    return s;
  };
  const n = x.length;
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(classes * p);
    for (let i = 0; i < n; i++) {
      const f = x[i]!;
      const s = scores(f);
      const max = Math.max(...s);
      const e = s.map((v) => Math.exp(v - max));
      const z = e.reduce((a, b) => a + b, 0);
      for (let c = 0; c < classes; c++) {
        const g = (e[c] ?? 0) / z - (y[i] === c ? 1 : 0);
        for (let j = 0; j < p - 1; j++) grad[c * p + j] = (grad[c * p + j] ?? 0) + g * (f[j] ?? 0);
        grad[c * p + p - 1] = (grad[c * p + p - 1] ?? 0) + g;
      }
    }
    for (let k = 0; k < w.length; k++)
      w[k] = (w[k] ?? 0) - lr * ((grad[k] ?? 0) / n + (k % p === p - 1 ? 0 : l2 * (w[k] ?? 0)));
  }
  return (f) => {
    const s = scores(f);
    return s.indexOf(Math.max(...s));
  };
}

/** k nearest neighbours by Hamming distance (±1 features: distance = (p − x·x′)/2), majority vote, ties to the nearest. */
export function trainKnn(x: readonly Float64Array[], y: readonly number[], k = 5): (features: Float64Array) => number {
  return (f) => {
    const d = x.map((xi, i) => {
      let dot = 0;
      for (let j = 0; j < f.length; j++) dot += (xi[j] ?? 0) * (f[j] ?? 0);
      return { i, d: -dot };
    });
    d.sort((a, b) => a.d - b.d);
    const votes = new Map<number, number>();
    const near = d.slice(0, k);
    for (const { i } of near) votes.set(y[i]!, (votes.get(y[i]!) ?? 0) + 1);
    const best = Math.max(...votes.values());
    return near.map(({ i }) => y[i]!).find((c) => votes.get(c) === best) ?? 0;
  };
}

/**
 * Cross-validated attribute prediction for one algorithm and one label. `labelOf` gives an image's label or
 * undefined (then the image is left out).
 */
export function attributeLeakage(
  images: readonly StudyImage[],
  algo: string,
  label: string,
  labelOf: (img: StudyImage) => string | undefined,
  options: { readonly folds: number; readonly seed: number },
): AttributeResult | undefined {
  const labelled = images.filter((img) => labelOf(img) !== undefined && img.hashes.has(algo));
  const names = [...new Set(labelled.map((img) => labelOf(img)!))].sort();
  if (names.length < 2) return undefined;
  const y = labelled.map((img) => names.indexOf(labelOf(img)!));
  const x = labelled.map((img) => hashSigns(img.hashes.get(algo)!));
  const folds = groupFolds(labelled, options.folds, options.seed);
  const evaluated = new Set(groupRepresentatives(labelled));
  const correct = { majority: 0, logistic: 0, knn: 0 };
  let n = 0;
  for (let f = 0; f < options.folds; f++) {
    const train = labelled.map((_, i) => i).filter((i) => folds[i] !== f);
    const test = labelled.map((_, i) => i).filter((i) => folds[i] === f && evaluated.has(i));
    if (test.length === 0 || train.length === 0) continue;
    const tx = train.map((i) => x[i]!);
    const ty = train.map((i) => y[i]!);
    const counts = names.map((_, c) => ty.filter((v) => v === c).length);
    const majority = counts.indexOf(Math.max(...counts));
    const logistic = trainLogistic(tx, ty, names.length);
    const knn = trainKnn(tx, ty);
    for (const i of test) {
      n++;
      if (majority === y[i]) correct.majority++;
      if (logistic(x[i]!) === y[i]) correct.logistic++;
      if (knn(x[i]!) === y[i]) correct.knn++;
    }
  }
  if (n === 0) return undefined;
  const classes: Record<string, number> = {};
  for (const i of evaluated) classes[names[y[i]!]!] = (classes[names[y[i]!]!] ?? 0) + 1;
  return {
    algo,
    label,
    classes,
    n,
    majority: rate(correct.majority, n),
    classifiers: { logistic: rate(correct.logistic, n), knn: rate(correct.knn, n) },
  };
}
