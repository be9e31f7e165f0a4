// The typed error of the match module: hash lists, index files and searches fail with one readable line.

export type MatchErrorKind =
  | 'invalid-row' // a hash list row that does not hold a valid hash for the declared algorithm
  | 'mixed-lengths' // hashes of different bit lengths (or algorithms) in one list
  | 'format' // a file that is not a hash list / index of the expected shape
  | 'truncated' // an index file that ends early
  | 'corrupt' // an index file whose checksum or structure does not hold
  | 'version' // an index file written by an unknown format version
  | 'unreadable' // a file that cannot be read or written
  | 'argument'; // a bad parameter passed to a search or build

export class MatchError extends Error {
  override readonly name = 'MatchError';
  constructor(
    readonly kind: MatchErrorKind,
    message: string,
  ) {
    super(message);
  }
}
