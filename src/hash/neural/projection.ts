// Reading a card's projection matrix (raw numbers after a header, or a NumPy .npy file) and applying it to embeddings.
import { readFileSync } from 'node:fs';
import { ModelCardError, type CardProjection, type ProjectionDtype } from './card.js';

/** A `rows × cols` matrix, row-major. */
export interface Projection {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float64Array;
}

const BYTES: Record<ProjectionDtype, number> = { float32: 4, float64: 8 };

function readFile(spec: CardProjection): Uint8Array {
  try {
    return readFileSync(spec.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelCardError(
      `projection file ${spec.path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (e as Error).message)}`,
    );
  }
}

/** Where the numbers of a .npy file start, after checking its header against the card (dtype, shape, C order). */
function npyDataOffset(bytes: Uint8Array, spec: CardProjection): number {
  const bad: (why: string) => never = (why) => {
    throw new ModelCardError(`projection file ${spec.path}: ${why}`);
  };
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY')
    bad('not a .npy file (no \\x93NUMPY magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([<>|=])([a-z])(\d+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape) bad(`unreadable .npy header ${JSON.stringify(header.trim())}`);
  const dtype =
    descr[2] === 'f' ? (descr[3] === '4' ? 'float32' : descr[3] === '8' ? 'float64' : undefined) : undefined;
  const littleEndian = descr[1] !== '>';
  if (dtype !== spec.dtype || littleEndian !== (spec.endianness === 'little')) {
    bad(`.npy holds ${descr[1]}${descr[2]}${descr[3]} but the card says ${spec.dtype} ${spec.endianness}-endian`);
  }
  if (/'fortran_order':\s*True/.test(header)) bad('.npy is in Fortran order; save it in C order');
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (dims.length !== 2 || dims[0] !== spec.rows || dims[1] !== spec.cols)
    bad(`.npy has shape (${dims.join(', ')}) but the card says [${spec.rows}, ${spec.cols}]`);
  return start + headerLength;
}

/**
 * Loads the matrix a card names. The file must hold exactly the card's matrix after the offset (raw) or header (npy):
 * a size mismatch means the wrong file or the wrong card and is a ModelCardError that states both sizes.
 */
export function loadProjection(spec: CardProjection): Projection {
  const bytes = readFile(spec);
  const start = spec.format === 'npy' ? npyDataOffset(bytes, spec) : spec.offset;
  const size = BYTES[spec.dtype];
  const count = spec.rows * spec.cols;
  const expected = start + count * size;
  if (bytes.length !== expected) {
    throw new ModelCardError(
      `projection file ${spec.path} is ${bytes.length} bytes; the card's ${spec.rows}x${spec.cols} ${spec.dtype} after ${start} header bytes needs ${expected}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * size);
  const little = spec.endianness === 'little';
  const values = new Float64Array(count);
  if (spec.dtype === 'float32') for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, little);
  else for (let i = 0; i < count; i++) values[i] = view.getFloat64(8 * i, little);
  return { rows: spec.rows, cols: spec.cols, values };
}

/** `matrix · embedding` for each of `count` embeddings stored one after another; returns count × rows values. */
export function projectEmbeddings(projection: Projection, embeddings: ArrayLike<number>, count: number): Float64Array {
  const { rows, cols, values } = projection;
  const out = new Float64Array(count * rows);
  for (let n = 0; n < count; n++) {
    const e = n * cols;
    for (let r = 0; r < rows; r++) {
      const m = r * cols;
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += values[m + c]! * embeddings[e + c]!;
      out[n * rows + r] = sum;
    }
  }
  return out;
}
