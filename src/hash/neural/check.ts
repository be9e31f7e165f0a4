// Checking a model card and the files it names, for `scanlab models check`: one finding per item, never a throw.
import { existsSync, statSync } from 'node:fs';
import { messageOf } from '../../util/message.js';
import { loadModelCard, type ModelCard } from './card.js';
import { loadProjection } from './projection.js';
import { intraOpThreads, sessionFor } from './session.js';

export interface CardFinding {
  readonly item: 'card' | 'model' | 'projection';
  readonly status: 'ok' | 'missing' | 'invalid';
  /** One line: the path and what was found. */
  readonly message: string;
}

function describeCard(card: ModelCard): string {
  const { input, bits } = card;
  const shape =
    input.layout === 'NCHW' ? [input.channels, input.height, input.width] : [input.height, input.width, input.channels];
  return (
    `${card.name}: ${input.layout} ${input.channelOrder} [${input.batch === 1 ? 1 : 'N'}, ${shape.join(', ')}], ` +
    `${card.output.size} floats out, ${bits.nbits} bits (${bits.hexDigits} hex digits)`
  );
}

/**
 * Validates the card, then looks for its ONNX file and projection file; when both are there, loads the model and checks
 * its input/output names and shape against the card. Missing files are reported, not fetched: scanlab ships no third-party model.
 */
export async function checkModelCard(cardPath: string): Promise<CardFinding[]> {
  let card: ModelCard;
  try {
    card = loadModelCard(cardPath);
  } catch (e) {
    return [{ item: 'card', status: 'invalid', message: messageOf(e) }];
  }
  const findings: CardFinding[] = [{ item: 'card', status: 'ok', message: `${card.cardPath}: ${describeCard(card)}` }];
  const missing = (item: CardFinding['item'], path: string): CardFinding => ({
    item,
    status: 'missing',
    message: `${path}: no such file (scanlab does not ship or download it: put your copy there, or edit the card)`,
  });
  let projectionOk = true;
  if (card.projection) {
    const path = card.projection.path;
    if (!existsSync(path)) {
      findings.push(missing('projection', path));
      projectionOk = false;
    } else {
      try {
        loadProjection(card.projection);
        findings.push({
          item: 'projection',
          status: 'ok',
          message: `${path}: ${card.projection.rows}x${card.projection.cols} ${card.projection.dtype}, ${statSync(path).size} bytes`,
        });
      } catch (e) {
        findings.push({ item: 'projection', status: 'invalid', message: messageOf(e) });
        projectionOk = false;
      }
    }
  }
  if (!existsSync(card.modelPath)) {
    findings.splice(1, 0, missing('model', card.modelPath));
    return findings;
  }
  try {
    const model = await sessionFor(card, intraOpThreads());
    const note = projectionOk ? '' : ' (not usable until the projection file is fixed)';
    findings.splice(1, 0, {
      item: 'model',
      status: 'ok',
      message: `${card.modelPath}: loads; input "${model.inputName}", output "${model.outputName}"${note}`,
    });
  } catch (e) {
    findings.splice(1, 0, { item: 'model', status: 'invalid', message: messageOf(e) });
  }
  return findings;
}
