// The decoded-image types every other module consumes: 8-bit interleaved pixels, alpha kept but never composited.

/** An 8-bit image, row-major, channels interleaved: 1 = grey, 3 = RGB, 4 = RGBA (alpha straight, not premultiplied). */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3 | 4;
  readonly data: Uint8Array;
}

/** A single-channel 8-bit image (luminance). */
export interface GreyImage extends Image {
  readonly channels: 1;
}

/** How to decode: what each hash reference does by default differs, so callers choose. */
export interface DecodeOptions {
  /** Apply the EXIF orientation tag (rotate/flip). Default false: PIL, blockhash and PDQ's C++ loader ignore it. */
  readonly applyExifOrientation?: boolean;
  /**
   * Convert from an embedded ICC profile to sRGB. Default false: Pillow, ImageMagick's PNM output (PDQ's C++ loader)
   * and blockhash-js all ignore embedded profiles, so applying one would move hashes away from the references.
   */
  readonly applyIccProfile?: boolean;
  /**
   * Composite transparent pixels onto this opaque colour (`rrggbb`) and drop alpha. Default: keep alpha as decoded
   * (the references ignore or special-case it); experiments flatten onto white so that edits which must drop alpha
   * (JPEG) are not confounded with the pixels hidden under transparency.
   */
  readonly flattenAlpha?: string;
  /** Refuse images with more pixels than this (default 100 megapixels), before decoding them. */
  readonly maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;
