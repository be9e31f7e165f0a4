// What a pipeline run leaves in its output folder: received/ (each recipient's decrypted files), relay/ (exactly the
// bytes the relay stored, one file per message, replies and the device's answers to them beside it), reviewer.csv and reviewer/ (the visual
// derivatives the reviewer saw), costs.json. Every file is written atomically; a folder that cannot be made or written
// is one OutputError line.
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { csvRow } from '../util/csv.js';
import { makeDir } from '../util/make-dir.js';
import type { PipelineResult } from './run.js';

export async function writePipelineOutputs(result: PipelineResult, out: string): Promise<void> {
  const several = result.received.length > 1;
  for (const [r, files] of result.received.entries())
    for (const f of files) {
      const path = join(out, 'received', several ? `r${r}` : '', f.name);
      await makeDir(dirname(path));
      await writeFileAtomic(path, f.bytes);
    }
  await makeDir(join(out, 'relay'));
  for (const rec of result.relayRecords) {
    await writeFileAtomic(join(out, 'relay', `${rec.messageId}.bin`), rec.bytes);
    for (const [j, reply] of rec.replies.entries())
      await writeFileAtomic(join(out, 'relay', `${rec.messageId}.reply-${j}.bin`), reply);
    for (const [j, message] of rec.followUps.entries())
      await writeFileAtomic(join(out, 'relay', `${rec.messageId}.answer-${j}.bin`), message);
  }
  await makeDir(join(out, 'reviewer'));
  for (const item of result.reviewer)
    if (item.derivative) await writeFileAtomic(join(out, 'reviewer', `${item.messageId}.jpg`), item.derivative);
  const rows = [
    csvRow(['account', 'message_id', 'photo', 'revealed']),
    ...result.messages.map((m) => csvRow([String(m.account), m.messageId, m.photo, String(m.revealed)])),
  ];
  await writeFileAtomic(join(out, 'reviewer.csv'), rows.join('\n') + '\n');
  await writeFileAtomic(join(out, 'costs.json'), JSON.stringify(result.costs, null, 2) + '\n');
}
