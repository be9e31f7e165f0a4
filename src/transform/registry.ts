// The transform families scanlab knows, by name, in the order they are documented.
import { BLUR } from './blur.js';
import { CROP } from './crop.js';
import { FLIP } from './flip.js';
import { GREYSCALE } from './greyscale.js';
import { HUE } from './hue.js';
import { JPEG } from './jpeg.js';
import { NOISE } from './noise.js';
import { PAD } from './pad.js';
import { RESIZE } from './resize.js';
import { ROTATE } from './rotate.js';
import { SCREENSHOT } from './screenshot.js';
import { STRETCH } from './stretch.js';
import { BRIGHTNESS, CONTRAST, GAMMA } from './tone.js';
import type { TransformDefinition } from './types.js';
import { VIGNETTE } from './vignette.js';
import { WATERMARK } from './watermark.js';

const FAMILIES: readonly TransformDefinition[] = [
  JPEG,
  RESIZE,
  STRETCH,
  CROP,
  ROTATE,
  FLIP,
  PAD,
  BLUR,
  NOISE,
  BRIGHTNESS,
  CONTRAST,
  GAMMA,
  GREYSCALE,
  HUE,
  VIGNETTE,
  WATERMARK,
  SCREENSHOT,
];

const BY_NAME: ReadonlyMap<string, TransformDefinition> = new Map(FAMILIES.map((f) => [f.name, f]));

/** Other spellings accepted in specs; they are printed under the canonical name. */
const ALIASES: ReadonlyMap<string, string> = new Map([['grayscale', 'greyscale']]);

/** Every transform family, in documentation order. */
export function listTransformFamilies(): readonly TransformDefinition[] {
  return FAMILIES;
}

/** The family registered under a name or alias, or undefined. */
export function findTransformFamily(name: string): TransformDefinition | undefined {
  return BY_NAME.get(ALIASES.get(name) ?? name);
}
