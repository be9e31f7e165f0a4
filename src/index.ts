// scanlab's library entry point: everything the CLI does is available here as a function.
export * from './image/types.js';
export * from './image/errors.js';
export * from './image/decode.js';
export * from './image/pnm.js';
export * from './image/luma.js';
export * from './image/files.js';
export * from './hash/types.js';
export * from './hash/bits.js';
export * from './hash/hamming.js';
export * from './hash/registry.js';
export * from './hash/blockhash.js';
