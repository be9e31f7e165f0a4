// The `scanlab/hash` entry point: decoding images, every hasher behind one interface, hex codecs, Hamming distance,
// batch hashing, PDQ's dihedral matching and learned (neural) hashers from model cards.
export { decodeImage, readImageFile } from '../image/decode.js';
export { ImageError, type ImageErrorKind } from '../image/errors.js';
export { listImageFiles, walkImages, IMAGE_EXTENSIONS } from '../image/files.js';
export { DEFAULT_MAX_PIXELS, type DecodeOptions, type Image } from '../image/types.js';
export { HashError, type Hash, type Hasher, type NamedHash } from './types.js';
export { getHasher, listAlgorithms } from './registry.js';
export { fromHex, toHex, bitAt } from './bits.js';
export { hamming } from './hamming.js';
export { hashFiles, type HashFilesOptions } from './batch.js';
export { hashFile, type HashRow, type HashImageOptions } from './hash-image.js';
export { CSV_HEADER, formatRow, type RowFormat } from './row-format.js';
export { pdqHashImage, pdqDihedralHashes, type PdqNamedHash } from './pdq/pdq.js';
export { pdqFromHex, pdqToHex, type PdqHash } from './pdq/bits.js';
export { PDQ_DEFAULT_MATCH_THRESHOLD, pdqMatch, pdqDihedralMatch, pdqDihedralNearest } from './pdq/match.js';
export { loadModelCard, ModelCardError, type ModelCard } from './neural/card.js';
export { checkModelCard, type CardFinding } from './neural/check.js';
export { neuralHasher, type NeuralHasher } from './neural/neural-hasher.js';
