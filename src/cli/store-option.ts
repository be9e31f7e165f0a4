// The `--store FILE` option shared by every command that reads or writes runs.
import type { Command } from 'commander';
import { DEFAULT_STORE } from '../eval/store.js';

export function addStoreOption(cmd: Command): Command {
  return cmd.option('--store <file>', 'run store (SQLite file)', DEFAULT_STORE);
}
