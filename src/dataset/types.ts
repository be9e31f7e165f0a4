// The dataset shape every experiment consumes: items with ids, near-duplicate groups and file paths.

/** One image of a dataset. Items sharing a `group` are near-duplicates of each other; pairs across groups are unrelated. */
export interface DatasetItem {
  readonly id: string;
  readonly group: string;
  /** Absolute path of the image file. */
  readonly path: string;
  /** Optional label used to split results, e.g. `photo`, `art`, `graphic`, `synthetic`. */
  readonly kind?: string;
}

export interface Dataset {
  readonly name: string;
  /** Where it was loaded from (a folder or a manifest file). */
  readonly source: string;
  /** True for generated images, which every result must label as synthetic. */
  readonly synthetic: boolean;
  readonly items: readonly DatasetItem[];
}
