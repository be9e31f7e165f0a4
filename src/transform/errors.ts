// The typed error every transform and transform-spec failure throws, with a kind a caller can branch on.

export type TransformErrorKind =
  'syntax' | 'unknown-transform' | 'unknown-parameter' | 'bad-value' | 'unsupported-image' | 'render';

export class TransformError extends Error {
  override readonly name = 'TransformError';
  constructor(
    readonly kind: TransformErrorKind,
    message: string,
  ) {
    super(message);
  }
}
