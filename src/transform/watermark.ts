// Watermark overlay: a vector logo (identical on every machine) or a word of text (rendered with the installed fonts).
import sharp from 'sharp';
import type { Image } from '../image/types.js';
import { TransformError } from './errors.js';
import { createPrng } from '../util/prng.js';
import { fromSharp, outputChannels, toSharp } from './sharp-io.js';
import { defineTransform } from './types.js';

const WATERMARK_KINDS = ['logo', 'text'] as const;
const WATERMARK_POSITIONS = ['br', 'bl', 'tr', 'tl', 'center', 'random'] as const;

export interface WatermarkParams {
  /** logo: a fixed vector shape; text: the word `text` in the system's bold sans-serif font. */
  readonly kind: (typeof WATERMARK_KINDS)[number];
  readonly text: string;
  /** Width of the mark as a fraction of the image width. */
  readonly size: number;
  /** Opacity of the mark, 0–1. */
  readonly opacity: number;
  /** Corner, centre, or a seeded random place (the mark always lies wholly inside the image). */
  readonly pos: (typeof WATERMARK_POSITIONS)[number];
  /** Colour of the mark `rrggbb`. */
  readonly colour: string;
}

/** An RGBA overlay image. */
interface Mark {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

const LOGO_ASPECT = 0.4;
const TEXT_BOX_ASPECT = 0.3;

/** The logo, drawn in a 100×40 box: a rounded frame, a disc, a play triangle and two bars. */
function logoSvg(width: number, height: number, colour: string): Buffer {
  const c = `#${colour}`;
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 100 40" preserveAspectRatio="none">` +
      `<rect x="2" y="2" width="96" height="36" rx="8" fill="none" stroke="${c}" stroke-width="4"/>` +
      `<circle cx="20" cy="20" r="10" fill="${c}"/>` +
      `<path d="M38 10 L38 30 L54 20 Z" fill="${c}"/>` +
      `<rect x="60" y="12" width="30" height="5" fill="${c}"/>` +
      `<rect x="60" y="23" width="22" height="5" fill="${c}"/>` +
      `</svg>`,
  );
}

async function renderRgba(pipeline: sharp.Sharp): Promise<Mark> {
  const { data, info } = await pipeline.ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** The mark's box for an image: size × image width wide, capped so that it fits inside the image. */
function markBox(image: Image, size: number, aspect: number): { width: number; height: number } {
  let width = Math.max(1, Math.min(image.width, Math.round(image.width * size)));
  let height = Math.max(1, Math.round(width * aspect));
  if (height > image.height) {
    height = image.height;
    width = Math.max(1, Math.min(image.width, Math.round(height / aspect)));
  }
  return { width, height };
}

async function renderMark(image: Image, params: WatermarkParams): Promise<Mark> {
  if (params.kind === 'logo') {
    const box = markBox(image, params.size, LOGO_ASPECT);
    return renderRgba(sharp(logoSvg(box.width, box.height, params.colour)));
  }
  const box = markBox(image, params.size, TEXT_BOX_ASPECT);
  const markup = `<span foreground="#${params.colour}">${params.text}</span>`;
  let mark: Mark;
  try {
    mark = await renderRgba(
      sharp({ text: { text: markup, font: 'sans bold', width: box.width, height: box.height, rgba: true } }),
    );
  } catch (e) {
    throw new TransformError(
      'render',
      `cannot render watermark text (${String((e as Error).message).split('\n')[0]}); use watermark(kind=logo)`,
    );
  }
  let covered = 0;
  for (let i = 3; i < mark.data.length; i += 4) covered += mark.data[i]! > 0 ? 1 : 0;
  if (covered === 0)
    throw new TransformError(
      'render',
      'watermark text rendered no pixels (no usable font installed?); use watermark(kind=logo)',
    );
  return mark;
}

/** Top-left corner of the mark: a margin of 3% of the shorter side from the chosen corner, or uniformly random. */
function markPosition(
  image: Image,
  mark: Mark,
  pos: WatermarkParams['pos'],
  seed: number,
): { left: number; top: number } {
  const spareX = image.width - mark.width;
  const spareY = image.height - mark.height;
  const margin = Math.round(0.03 * Math.min(image.width, image.height));
  const mx = Math.min(margin, spareX);
  const my = Math.min(margin, spareY);
  switch (pos) {
    case 'tl':
      return { left: mx, top: my };
    case 'tr':
      return { left: spareX - mx, top: my };
    case 'bl':
      return { left: mx, top: spareY - my };
    case 'br':
      return { left: spareX - mx, top: spareY - my };
    case 'center':
      return { left: Math.floor(spareX / 2), top: Math.floor(spareY / 2) };
    case 'random': {
      const rng = createPrng(seed);
      return { left: rng.nextInt(spareX + 1), top: rng.nextInt(spareY + 1) };
    }
  }
}

/** Composites the mark, its alpha scaled by `opacity`, over the image ("over" blending by sharp). */
async function watermarkImage(image: Image, params: WatermarkParams, seed: number): Promise<Image> {
  const mark = await renderMark(image, params);
  const overlay = new Uint8Array(mark.data);
  for (let i = 3; i < overlay.length; i += 4) overlay[i] = Math.round(overlay[i]! * params.opacity);
  const { left, top } = markPosition(image, mark, params.pos, seed);
  const input = Buffer.from(overlay.buffer, overlay.byteOffset, overlay.byteLength);
  return fromSharp(
    toSharp(image).composite([{ input, raw: { width: mark.width, height: mark.height, channels: 4 }, left, top }]),
    outputChannels(image),
  );
}

export const WATERMARK = defineTransform<WatermarkParams>({
  name: 'watermark',
  summary:
    'overlay a semi-transparent vector logo (kind=logo, machine-independent) or word (kind=text, uses installed fonts)',
  params: [
    { name: 'kind', kind: 'choice', default: 'logo', choices: WATERMARK_KINDS, summary: 'logo or text' },
    { name: 'text', kind: 'text', default: 'scanlab', maxLength: 32, summary: 'the word drawn when kind=text' },
    {
      name: 'size',
      kind: 'number',
      default: 0.3,
      min: 0.01,
      max: 1,
      summary: 'mark width as a fraction of the image width',
    },
    { name: 'opacity', kind: 'number', default: 0.6, min: 0, max: 1, summary: 'mark opacity' },
    {
      name: 'pos',
      kind: 'choice',
      default: 'br',
      choices: WATERMARK_POSITIONS,
      summary: 'corner, center, or seeded random',
    },
    { name: 'colour', kind: 'colour', default: 'ffffff', summary: 'mark colour' },
  ],
  apply: watermarkImage,
});
