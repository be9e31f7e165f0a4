// A gate in shared memory between a model thread and its owner: a run starts only while the gate is open, and the
// owner closes it only between runs, because ending a thread inside onnxruntime aborts the whole process.
const OPEN = 0;
const RUNNING = 1;
const CLOSED = 2;

/** A new open gate, to be shared with the model thread (through workerData). */
export const openGate = (): Int32Array => new Int32Array(new SharedArrayBuffer(4));

/** Enters a run (or the model's loading): false once the gate is closed. */
export const enterRun = (gate: Int32Array): boolean => Atomics.compareExchange(gate, 0, OPEN, RUNNING) === OPEN;

/** Leaves a run and wakes an owner waiting to close the gate. */
export function leaveRun(gate: Int32Array): void {
  Atomics.compareExchange(gate, 0, RUNNING, OPEN);
  Atomics.notify(gate, 0);
}

/**
 * Closes the gate, waiting (blocking this thread, at most `timeoutMs`) for a run in progress to end; after it returns
 * no run is in progress or will start. False if a run was still in progress at the timeout.
 */
export function closeGate(gate: Int32Array, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = Atomics.compareExchange(gate, 0, OPEN, CLOSED);
    if (state !== RUNNING) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(gate, 0, RUNNING, left);
  }
}

/** Marks the gate closed without waiting (the thread has stopped). */
export const dropGate = (gate: Int32Array): void => void Atomics.store(gate, 0, CLOSED);
