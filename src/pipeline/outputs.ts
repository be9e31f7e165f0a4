// What a pipeline run leaves in its output folder: received/ (each recipient's decrypted files), relay/ (exactly the
// bytes the relay stored, one file per message, replies beside them), reviewer.csv and reviewer/ (the visual
// derivatives the reviewer saw), costs.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { csvRow } from '../util/csv.js';
import type { PipelineResult } from './run.js';

export async function writePipelineOutputs(result: PipelineResult, out: string): Promise<void> {
  const several = result.received.length > 1;
  for (const [r, files] of result.received.entries())
    for (const f of files) {
      const path = join(out, 'received', several ? `r${r}` : '', f.name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.bytes);
    }
  await mkdir(join(out, 'relay'), { recursive: true });
  for (const rec of result.relayRecords) {
    await writeFile(join(out, 'relay', `${rec.messageId}.bin`), rec.bytes);
    for (const [j, reply] of rec.replies.entries())
      await writeFile(join(out, 'relay', `${rec.messageId}.reply-${j}.bin`), reply);
  }
  await mkdir(join(out, 'reviewer'), { recursive: true });
  for (const item of result.reviewer)
    if (item.derivative) await writeFile(join(out, 'reviewer', `${item.messageId}.jpg`), item.derivative);
  const rows = [
    csvRow(['account', 'message_id', 'photo', 'revealed']),
    ...result.messages.map((m) => csvRow([String(m.account), m.messageId, m.photo, String(m.revealed)])),
  ];
  await writeFile(join(out, 'reviewer.csv'), rows.join('\n') + '\n');
  await writeFile(join(out, 'costs.json'), JSON.stringify(result.costs, null, 2) + '\n');
}
