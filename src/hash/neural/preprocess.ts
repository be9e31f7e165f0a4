// Preprocessing for learned hashes: resize with sharp per the card's rule, then normalise into the model's input tensor.
import sharp from 'sharp';
import { pilLuma, toRgb } from '../../image/luma.js';
import type { PillowFilter } from '../../image/pillow-resize.js';
import type { Image } from '../../image/types.js';
import type { CardResize, ModelCard, SharpFilter } from './card.js';
import { pillowResizeInterleaved } from './pillow-rgb.js';

const SHARP_KERNELS: Record<SharpFilter, keyof sharp.KernelEnum> = {
  nearest: sharp.kernel.nearest,
  linear: sharp.kernel.linear,
  cubic: sharp.kernel.cubic,
  mitchell: sharp.kernel.mitchell,
  lanczos2: sharp.kernel.lanczos2,
  lanczos3: sharp.kernel.lanczos3,
};

/** The pixels a model sees before resizing: PIL-style luma for grey models, grey expanded to RGB for colour models. */
function modelColour(image: Image, card: ModelCard): Image {
  if (card.input.channels === 1) return pilLuma(image);
  return toRgb(image);
}

async function resizeWithSharp(image: Image, resize: CardResize): Promise<Uint8Array> {
  const pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } });
  const input =
    image.channels === 4 ? pipeline.removeAlpha() : image.channels === 1 ? pipeline.toColourspace('b-w') : pipeline;
  const { data, info } = await input
    .resize({
      width: resize.width,
      height: resize.height,
      fit: resize.fit,
      kernel: SHARP_KERNELS[resize.filter as SharpFilter],
      position: 'centre',
      background: { r: resize.background[0], g: resize.background[1], b: resize.background[2], alpha: 1 },
    })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== Math.min(3, image.channels))
    throw new Error(`sharp resize gave ${info.channels} channels from ${image.channels}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

/**
 * The image resized to the card's input size as 8-bit interleaved pixels: RGB, or luminance for grey models
 * (PIL's `convert('L')` before resizing). Alpha is dropped, as PIL's `convert('RGB')` does. The card's engine
 * resizes: sharp, or the bit-exact Pillow resampler (what Python references such as NeuralHash's use).
 * Channel reordering (BGR) and normalisation happen in `writeInputTensor`.
 */
export async function resizeForModel(image: Image, card: ModelCard): Promise<Uint8Array> {
  const { resize } = card;
  const source = modelColour(image, card);
  if (resize.engine === 'pillow') {
    const { width, height, channels } = source;
    return pillowResizeInterleaved(
      source.data,
      width,
      height,
      channels,
      Math.min(3, channels),
      resize.width,
      resize.height,
      resize.filter as PillowFilter,
    );
  }
  return resizeWithSharp(source, resize);
}

/** Elements of one image in the input tensor. */
export function inputTensorSize(card: ModelCard): number {
  return card.input.channels * card.input.height * card.input.width;
}

/**
 * Writes resized pixels (from `resizeForModel`) as image `index` of a batch tensor: value = (pixel·scale − mean)/std
 * per tensor channel, in the card's layout (NCHW planes or NHWC interleaved) and channel order (BGR swaps planes).
 */
function writeInputTensor(pixels: Uint8Array, card: ModelCard, out: Float32Array, index: number): void {
  const { channels, layout, channelOrder } = card.input;
  const { scale, mean, std } = card.normalize;
  const area = card.input.height * card.input.width;
  const base = index * channels * area;
  for (let c = 0; c < channels; c++) {
    const source = channelOrder === 'BGR' ? channels - 1 - c : c;
    const gain = scale / std[c]!;
    const bias = -mean[c]! / std[c]!;
    if (layout === 'NCHW') {
      const plane = base + c * area;
      for (let i = 0, s = source; i < area; i++, s += channels) out[plane + i] = pixels[s]! * gain + bias;
    } else {
      for (let i = base + c, s = source, end = base + channels * area; i < end; i += channels, s += channels)
        out[i] = pixels[s]! * gain + bias;
    }
  }
}

/** The batch tensor of images already resized by `resizeForModel`, in order. */
export function batchTensor(resized: readonly Uint8Array[], card: ModelCard): Float32Array {
  const tensor = new Float32Array(resized.length * inputTensorSize(card));
  resized.forEach((pixels, i) => writeInputTensor(pixels, card, tensor, i));
  return tensor;
}

/** Resizes every image (concurrently, in sharp's thread pool) and returns the batch tensor. */
export async function preprocessBatch(images: readonly Image[], card: ModelCard): Promise<Float32Array> {
  return batchTensor(await Promise.all(images.map((image) => resizeForModel(image, card))), card);
}
