#!/usr/bin/python3
"""Trains scanlab-tiny, a compact CNN whose 96 sign bits should match for transformed copies of a picture and differ
for unrelated pictures, and exports it to ONNX with its projection file for models/scanlab-tiny.json.

usage: /usr/bin/python3 models/train/train.py --views DIR --out models [--steps 1200] [--seed 1]
  DIR holds views.u8 / views.json from make-pairs.ts (view 0 of each image untransformed, the rest scanlab transforms,
  all resized exactly as the hasher resizes). Writes OUT/scanlab-tiny.onnx, OUT/scanlab-tiny.proj.f32 and
  models/train/train-log.json (seed, hyper-parameters, versions, time, validation figures).

Training: SimCLR-style NT-Xent loss on tanh codes of two random views per image, plus a quantisation term pushing
codes to +-1, a balance term pushing each bit to be 1 for half the images, a decorrelation term pushing bits to be
uncorrelated across images (more independent bits: a narrower distance distribution between unrelated images), and a
per-bit agreement hinge between the two views of an image. Each view also gets one of the eight
rotations/flips at random; the exported graph averages the backbone's features over all eight, so the hash is
invariant to them by construction.
"""
import argparse
import json
import os
import platform
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

parser = argparse.ArgumentParser()
parser.add_argument('--views', required=True)
parser.add_argument('--out', required=True)
parser.add_argument('--steps', type=int, default=1200)
parser.add_argument('--batch', type=int, default=64, help='images per step (two views each)')
parser.add_argument('--lr', type=float, default=2e-3)
parser.add_argument('--weight-decay', type=float, default=1e-4)
parser.add_argument('--temperature', type=float, default=0.3)
parser.add_argument('--quantisation-weight', type=float, default=0.1)
parser.add_argument('--balance-weight', type=float, default=0.1)
parser.add_argument('--decorrelation-weight', type=float, default=0.25)
parser.add_argument('--agreement-weight', type=float, default=1.0)
parser.add_argument('--agreement-margin', type=float, default=0.5)
parser.add_argument('--val-every', type=int, default=12, help='every Nth listed image is held out for validation')
parser.add_argument('--seed', type=int, default=1)
parser.add_argument('--threads', type=int, default=2)
args = parser.parse_args()

torch.manual_seed(args.seed)
rng = np.random.default_rng(args.seed)
torch.set_num_threads(args.threads)

card = json.load(open(os.path.join(HERE, '..', 'scanlab-tiny.json')))
meta = json.load(open(os.path.join(args.views, 'views.json')))
H, W, V = meta['height'], meta['width'], meta['views']
N = len(meta['items'])
views = np.fromfile(os.path.join(args.views, 'views.u8'), dtype=np.uint8).reshape(N, V, H, W, 3)
val_ids = np.arange(0, N, args.val_every)
train_ids = np.setdiff1d(np.arange(N), val_ids)
EMBEDDING = card['output']['size']
BITS = card['projection']['shape'][0]
SCALE = card['normalize']['scale']
MEAN = torch.tensor(card['normalize']['mean'], dtype=torch.float32).expand(3).reshape(1, 3, 1, 1)
STD = torch.tensor(card['normalize']['std'], dtype=torch.float32).expand(3).reshape(1, 3, 1, 1)


def to_tensor(pixels):
    """uint8 N x H x W x 3 -> normalised float N x 3 x H x W, exactly as the card says."""
    x = torch.from_numpy(np.ascontiguousarray(pixels)).permute(0, 3, 1, 2).float()
    return (x * SCALE - MEAN) / STD


def dihedral(x, k):
    """The k-th of the eight rotations/flips of square images x (N x C x S x S), with ops ONNX export keeps simple."""
    size = x.shape[-1]
    reverse = torch.arange(size - 1, -1, -1)
    if k & 4:
        x = x.transpose(2, 3)
    if k & 2:
        x = x.index_select(2, reverse)
    if k & 1:
        x = x.index_select(3, reverse)
    return x


def block(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Backbone(nn.Module):
    """64x64 -> 192 features: six 3x3 conv blocks (four with stride 2), global average pooling."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(block(3, 24, 2), block(24, 48, 2), block(48, 48, 1), block(48, 96, 2), block(96, 96, 1),
                                    block(96, 192, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten())

    def forward(self, x):
        return self.layers(x)


class TinyHash(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone()
        self.embed = nn.Linear(192, EMBEDDING)
        self.project = nn.Linear(EMBEDDING, BITS, bias=False)

    def embedding(self, x):
        return self.embed(self.backbone(x))

    def forward(self, x):
        return self.project(self.embedding(x))


class InvariantEmbedding(nn.Module):
    """The exported graph: backbone features averaged over the eight rotations/flips, then the embedding layer."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, image):
        n = image.shape[0]
        stacked = torch.cat([dihedral(image, k) for k in range(8)], 0)
        features = self.net.backbone(stacked).view(8, n, -1).mean(0)
        return self.net.embed(features)


def random_dihedral(x):
    ks = rng.integers(0, 8, size=x.shape[0])
    return torch.cat([dihedral(x[i:i + 1], int(k)) for i, k in enumerate(ks)], 0)


def loss_fn(h):
    """NT-Xent on tanh codes (rows 2i and 2i+1 are two views of one image) + quantisation + bit balance + bit
    decorrelation (squared off-diagonal correlations of the codes over the batch, summed per bit) + per-bit agreement
    of the two views (a hinge on the product of their codes, so that each bit, not only the whole code, agrees)."""
    codes = torch.tanh(h)
    z = F.normalize(codes, dim=1)
    sim = z @ z.t() / args.temperature
    sim.fill_diagonal_(-1e9)
    partner = torch.arange(z.shape[0]) ^ 1
    contrastive = F.cross_entropy(sim, partner)
    quantisation = (1 - codes.abs()).pow(2).mean()
    balance = codes.mean(0).pow(2).mean()
    centred = codes - codes.mean(0, keepdim=True)
    scaled = centred / centred.pow(2).mean(0, keepdim=True).add(1e-6).sqrt()
    correlation = scaled.t() @ scaled / codes.shape[0]
    decorrelation = (correlation - torch.eye(BITS)).pow(2).sum() / BITS
    agreement = F.relu(args.agreement_margin - codes[0::2] * codes[1::2]).mean()
    total = (contrastive + args.quantisation_weight * quantisation + args.balance_weight * balance
             + args.decorrelation_weight * decorrelation + args.agreement_weight * agreement)
    return total, contrastive


@torch.no_grad()
def validate(model):
    """Bit distances on held-out images: each transformed view vs its original, and originals of different images."""
    model.eval()
    ids = val_ids
    bits = []
    for v in range(V):
        bits.append((model(to_tensor(views[ids, v])) >= 0).numpy())
    bits = np.stack(bits, 1)  # images x views x BITS
    positive = (bits[:, 1:] != bits[:, :1]).sum(2).ravel()
    originals = bits[:, 0]
    negative = (originals[:, None, :] != originals[None, :, :]).sum(2)[np.triu_indices(len(ids), 1)]
    tau = round(0.1 * BITS)
    return {'tpr_at_10pct': float((positive <= tau).mean()), 'fpr_at_10pct': float((negative <= tau).mean()),
            'median_positive': float(np.median(positive)), 'median_negative': float(np.median(negative)),
            'min_negative': int(negative.min()), 'pairs': [int(positive.size), int(negative.size)]}


started = time.time()
net = TinyHash()
optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=args.weight_decay)
schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=args.steps, pct_start=0.1)
history = []
for step in range(1, args.steps + 1):
    net.train()
    ids = rng.choice(train_ids, size=args.batch, replace=False)
    pairs = np.stack([rng.choice(V, size=2, replace=False) for _ in ids])
    pixels = views[np.repeat(ids, 2), pairs.ravel()]
    h = net(random_dihedral(to_tensor(pixels)))
    loss, contrastive = loss_fn(h)
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    schedule.step()
    if step % 100 == 0 or step == args.steps:
        record = {'step': step, 'loss': round(float(loss), 4), 'contrastive': round(float(contrastive), 4),
                  'seconds': round(time.time() - started), **validate(net)}
        history.append(record)
        print(json.dumps(record), flush=True)

net.eval()
invariant = InvariantEmbedding(net).eval()
final = validate(nn.Sequential(invariant, net.project))
print('invariant model on validation:', json.dumps(final), flush=True)

os.makedirs(args.out, exist_ok=True)
onnx_path = os.path.join(args.out, 'scanlab-tiny.onnx')
torch.onnx.export(invariant, to_tensor(views[:2, 0]), onnx_path, input_names=['image'], output_names=['embedding'],
                  dynamic_axes={'image': {0: 'batch'}, 'embedding': {0: 'batch'}}, opset_version=13)
onnx.checker.check_model(onnx.load(onnx_path))
net.project.weight.detach().numpy().astype('<f4').tofile(os.path.join(args.out, 'scanlab-tiny.proj.f32'))

# Reference embeddings of the first three validation originals, for checking the exported model from Node.
reference = invariant(to_tensor(views[val_ids[:3], 0])).detach().numpy()
log = {
    'seed': args.seed, 'steps': args.steps, 'batch_images': args.batch, 'views_per_image': V, 'lr': args.lr,
    'weight_decay': args.weight_decay, 'temperature': args.temperature, 'quantisation_weight': args.quantisation_weight,
    'balance_weight': args.balance_weight, 'decorrelation_weight': args.decorrelation_weight,
    'agreement_weight': args.agreement_weight, 'agreement_margin': args.agreement_margin, 'optimiser': 'AdamW + OneCycleLR (10% warm-up)', 'val_every': args.val_every,
    'train_images': int(train_ids.size), 'val_images': int(val_ids.size),
    'parameters': int(sum(p.numel() for p in net.parameters())), 'threads': args.threads,
    'seconds': round(time.time() - started), 'history': history, 'validation_invariant': final,
    'views_seed': meta['seed'], 'reference_items': [meta['items'][int(i)]['path'] for i in val_ids[:3]],
    'reference_embedding_head': [[round(float(v), 5) for v in row[:8]] for row in reference],
    'versions': {'python': platform.python_version(), 'torch': torch.__version__, 'onnx': onnx.__version__,
                 'numpy': np.__version__},
}
json.dump(log, open(os.path.join(HERE, 'train-log.json'), 'w'), indent=1)
print('wrote', onnx_path, os.path.getsize(onnx_path), 'bytes')
