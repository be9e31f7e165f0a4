// Runs a client and a server in one process, delivering messages in order and measuring each side's time and bytes.
import { performance } from 'node:perf_hooks';
import { zeroOpCounts, type GroupOpCounts } from '../group/counting.js';
import type { PsiParty } from './party.js';

export interface PartyCosts {
  /** Milliseconds in `prepare` (database-dependent work that can be done once). */
  setupMs: number;
  /** Milliseconds in `start` and `receive` (per-session work). */
  onlineMs: number;
  msPerPhoto: number;
  /**
   * CPU milliseconds of the whole process over the same calls (all threads, so worker threads count). On a
   * machine shared with other work this stays close to the work done, while wall time grows with the load.
   */
  setupCpuMs: number;
  onlineCpuMs: number;
  cpuMsPerPhoto: number;
  setupOps: GroupOpCounts;
  onlineOps: GroupOpCounts;
  /** Bytes sent in messages published by `prepare`. */
  setupBytesSent: number;
  onlineBytesSent: number;
  messagesSent: number;
}

export interface RunCosts {
  photos: number;
  client: PartyCosts;
  server: PartyCosts;
  /** Online bytes per photo in each direction (published setup messages excluded). */
  bytesPerPhoto: { clientToServer: number; serverToClient: number };
}

function emptyCosts(): PartyCosts {
  return {
    setupMs: 0,
    onlineMs: 0,
    msPerPhoto: 0,
    setupCpuMs: 0,
    onlineCpuMs: 0,
    cpuMsPerPhoto: 0,
    setupOps: zeroOpCounts(),
    onlineOps: zeroOpCounts(),
    setupBytesSent: 0,
    onlineBytesSent: 0,
    messagesSent: 0,
  };
}

function difference(after: GroupOpCounts, before: GroupOpCounts): GroupOpCounts {
  const out = zeroOpCounts();
  for (const k of Object.keys(out) as (keyof GroupOpCounts)[]) out[k] = after[k] - before[k];
  return out;
}

/**
 * Prepares both parties, starts the session and shuttles messages (first-in first-out per direction, the server's
 * published messages first) until both are quiet. `photos` is the number of client queries, the per-photo divisor;
 * `serverProgress` hears after each message the server handled.
 */
export function runParties(
  client: PsiParty,
  server: PsiParty,
  photos: number,
  serverProgress?: (messagesHandled: number) => void,
): RunCosts {
  let handled = 0;
  const costs = { client: emptyCosts(), server: emptyCosts() };
  const inbox = { client: [] as Uint8Array[], server: [] as Uint8Array[] };
  const peerOf = (p: PsiParty): 'client' | 'server' => (p.role === 'client' ? 'server' : 'client');

  const timed = (p: PsiParty, phase: 'setup' | 'online', f: () => Uint8Array[]): void => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = f();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const c = costs[p.role];
    if (phase === 'setup') {
      c.setupMs += ms;
      c.setupCpuMs += cpuMs;
    } else {
      c.onlineMs += ms;
      c.onlineCpuMs += cpuMs;
    }
    for (const m of out) {
      if (phase === 'setup') c.setupBytesSent += m.length;
      else c.onlineBytesSent += m.length;
      c.messagesSent++;
      inbox[peerOf(p)].push(m);
    }
  };

  for (const p of [server, client]) timed(p, 'setup', () => p.prepare());
  const afterSetup = { client: { ...client.ops }, server: { ...server.ops } };
  for (const p of [server, client]) timed(p, 'online', () => p.start());
  while (inbox.client.length > 0 || inbox.server.length > 0) {
    for (const p of [server, client]) {
      const queue = inbox[p.role].splice(0);
      for (const m of queue) {
        timed(p, 'online', () => p.receive(m));
        if (p === server) serverProgress?.(++handled);
      }
    }
  }
  for (const p of [client, server]) {
    const c = costs[p.role];
    c.setupOps = afterSetup[p.role];
    c.onlineOps = difference(p.ops, afterSetup[p.role]);
    c.msPerPhoto = photos > 0 ? c.onlineMs / photos : 0;
    c.cpuMsPerPhoto = photos > 0 ? c.onlineCpuMs / photos : 0;
  }
  const per = (n: number): number => (photos > 0 ? n / photos : 0);
  return {
    photos,
    client: costs.client,
    server: costs.server,
    bytesPerPhoto: {
      clientToServer: per(costs.client.onlineBytesSent),
      serverToClient: per(costs.server.onlineBytesSent),
    },
  };
}
