// Typed image-loading errors: each carries a kind a caller can branch on and a one-line message a user can read.

export type ImageErrorKind = 'unreadable' | 'corrupt' | 'unsupported' | 'empty' | 'too-large';

export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
    readonly source?: string,
  ) {
    super(source ? `${source}: ${message}` : message);
  }
}
