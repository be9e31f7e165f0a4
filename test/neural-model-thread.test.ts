import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../src/hash/bits.js';
import { loadModelCard } from '../src/hash/neural/card.js';
import { closeModelThreads, modelThreadFor } from '../src/hash/neural/model-thread.js';
import { neuralHasher } from '../src/hash/neural/neural-hasher.js';
import { preprocessBatch } from '../src/hash/neural/preprocess.js';
import { runModel, sessionFor } from '../src/hash/neural/session.js';
import { decodeImage } from '../src/image/decode.js';
import { repoRoot, scratchDir } from './helpers/images.js';

const cardPath = join(repoRoot, 'models', 'scanlab-tiny.json');
const sample = join(repoRoot, 'datasets', 'sample', 'images');
const scratch = scratchDir('model-thread');
afterAll(async () => {
  await closeModelThreads();
  scratch.cleanup();
});

const someImages = () =>
  Promise.all(
    readdirSync(sample)
      .sort()
      .slice(0, 12)
      .map((f) => decodeImage(join(sample, f))),
  );

describe("a card's model in a thread of its own", () => {
  it('gives bit for bit the embeddings of the session in this thread, batched, one image at a time and many at once', async () => {
    const card = loadModelCard(cardPath);
    const images = await someImages();
    const tensor = await preprocessBatch(images, card);
    const here = await runModel(card, await sessionFor(card, 1), tensor.slice(), images.length);
    const thread = await modelThreadFor(card, 1);
    expect(Array.from(await runModel(card, thread, tensor.slice(), images.length))).toEqual(Array.from(here));
    const one = tensor.slice(0, tensor.length / images.length);
    expect(Array.from(await runModel(card, thread, one, 1))).toEqual(Array.from(here.subarray(0, card.output.size)));
    const perImage = tensor.length / images.length;
    const together = await Promise.all(
      images.map((_, i) => runModel(card, thread, tensor.slice(i * perImage, (i + 1) * perImage), 1)),
    );
    expect(together.flatMap((e) => Array.from(e))).toEqual(Array.from(here));
    const hasher = neuralHasher(cardPath);
    expect((await hasher.withModelThread().hashBatch(images)).map(toHex)).toEqual(
      (await hasher.hashBatch(images)).map(toHex),
    );
  });

  it("reports a run's error and keeps serving; closing fails waiting runs and the next call starts a new thread", async () => {
    const card = loadModelCard(cardPath);
    const thread = await modelThreadFor(card, 1);
    await expect(thread.infer(new Float32Array(10), [1, 10])).rejects.toThrow(/image|dimension|rank|shape/i);
    const tensor = await preprocessBatch(await someImages(), card);
    const first = await runModel(card, thread, tensor.slice(), 12);
    const waiting = expect(runModel(card, thread, tensor.slice(), 12)).rejects.toThrow('the model thread was closed');
    await closeModelThreads();
    await waiting;
    await expect(thread.infer(tensor.slice(), [12, 3, 64, 64])).rejects.toThrow('the model thread was closed');
    expect(Array.from(await runModel(card, await modelThreadFor(card, 1), tensor, 12))).toEqual(Array.from(first));
  });

  it('fails with the card named when the thread cannot load the model or the card does not fit it', async () => {
    const dir = scratch.dir;
    copyFileSync(join(repoRoot, 'models', 'scanlab-tiny.proj.f32'), join(dir, 'scanlab-tiny.proj.f32'));
    writeFileSync(join(dir, 'scanlab-tiny.onnx'), 'not an onnx model');
    copyFileSync(cardPath, join(dir, 'broken.json'));
    const image = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(192) };
    await expect(neuralHasher(join(dir, 'broken.json')).withModelThread().hash(image)).rejects.toThrow(
      /broken\.json: onnxruntime cannot load .*scanlab-tiny\.onnx \(/,
    );
    const shipped = JSON.parse(readFileSync(cardPath, 'utf8'));
    const wrongName = {
      ...shipped,
      model: join(repoRoot, 'models', 'scanlab-tiny.onnx'),
      output: { name: 'logits', size: 128 },
    };
    writeFileSync(join(dir, 'wrong-name.json'), JSON.stringify(wrongName));
    await expect(neuralHasher(join(dir, 'wrong-name.json')).withModelThread().hash(image)).rejects.toThrow(
      /wrong-name\.json: output\.name "logits" is not in model .*scanlab-tiny\.onnx \(it has: embedding\)/,
    );
  });
});
