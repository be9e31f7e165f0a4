// Chooses a group backend by name: ristretto255 (noble or libsodium) or P-256 (noble).
import { PsiError } from '../errors.js';
import type { BackendName, GroupName, PrimeOrderGroup } from './group.js';
import { p256Noble, ristretto255Noble } from './noble.js';
import { loadRistretto255Sodium } from './sodium.js';

export const GROUP_NAMES: readonly GroupName[] = ['ristretto255', 'p256'];
export const BACKEND_NAMES: readonly BackendName[] = ['noble', 'sodium'];

export const isGroupName = (s: string): s is GroupName => (GROUP_NAMES as readonly string[]).includes(s);
export const isBackendName = (s: string): s is BackendName => (BACKEND_NAMES as readonly string[]).includes(s);

/** The group `name` on `backend`; P-256 exists only on noble. */
export async function createGroup(name: GroupName, backend: BackendName = 'noble'): Promise<PrimeOrderGroup> {
  if (name === 'p256') {
    if (backend !== 'noble') throw new PsiError(`group p256 is only available on the noble backend, not "${backend}"`);
    return p256Noble;
  }
  return backend === 'sodium' ? loadRistretto255Sodium() : ristretto255Noble;
}
