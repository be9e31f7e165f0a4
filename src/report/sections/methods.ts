// The methods section, generated from the runs themselves: which runs, their datasets, seeds, configurations,
// software versions, transforms, thresholds, and the statistical methods with their assumptions.
import { DOF_ASSUMPTION } from '../../eval/dof-fit.js';
import { INDEPENDENCE_ASSUMPTION } from '../../eval/population.js';
import { getHasher } from '../../hash/registry.js';
import type { ReportContext, SectionContributor } from '../context.js';
import { numberCell, textCell, emptyCell } from '../format.js';
import type { ReportInput } from '../inputs.js';
import type { Block, ReportSection, TableRow } from '../model.js';
import type { FailedItem } from '../../eval/failed-items.js';
import { failuresNote } from '../sample.js';

export const STATISTICAL_METHODS: readonly string[] = [
  'Every rate k/n carries a 95% Clopper–Pearson ("exact") interval, which never has less than nominal coverage.',
  'With zero events the interval is [0, upper]; the rule of three (upper ≈ 3/n) is shown beside it.',
  'TPR(τ) = share of (image, transform) pairs whose hashes are at Hamming distance ≤ τ; FPR(τ) = share of pairs of images from different near-duplicate groups at distance ≤ τ (all pairs, or a seeded uniform sample when there are too many; duplicates across groups left out unless the run kept them).',
  'ROC points, AUC (P[d_related < d_unrelated] + ½ P[tie]) and the equal-error rate are computed exactly from the two distance histograms; TPR at a target FPR is reported only where the sample holds at least 3/target unrelated pairs.',
  `Effective degrees of freedom (Daugman): ${DOF_ASSUMPTION}. The Kolmogorov–Smirnov distance between the observed and fitted distributions is reported with each fit.`,
  `Population scale: ${INDEPENDENCE_ASSUMPTION}. Interval ends of FPR map to interval ends of the per-photo and per-account probabilities, since both maps increase with FPR.`,
  'Retrieval: an edited copy is retrieved correctly at τ when its own original is strictly closer than every original of another group and within τ; recall is reported at the best threshold whose precision meets the target.',
];

const short = (hash: string | null): string => (hash ? hash.slice(0, 16) : '—');

function configValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(String).join(', ');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function runsTable(inputs: readonly ReportInput[]): Block {
  const rows: TableRow[] = inputs.map(({ run }) => ({
    runIds: [run.id],
    cells: [
      textCell(run.id),
      textCell(run.kind),
      textCell(run.name),
      textCell(run.status),
      textCell(run.startedAt),
      run.endedAt ? textCell(run.endedAt) : emptyCell(),
      run.seed === null ? emptyCell() : textCell(run.seed),
      run.datasetHash ? { text: short(run.datasetHash), value: run.datasetHash } : emptyCell(),
      textCell(
        run.provenance.gitCommit
          ? `${run.provenance.gitCommit.slice(0, 12)}${run.provenance.gitDirty ? ' (uncommitted changes)' : ''}`
          : 'not a git checkout',
      ),
    ],
  }));
  return {
    kind: 'table',
    id: 'methods-runs',
    caption: 'Runs this report draws on',
    runIds: inputs.map((i) => i.run.id),
    columns: [
      { key: 'id', label: 'Run' },
      { key: 'kind', label: 'Kind' },
      { key: 'name', label: 'Name' },
      { key: 'status', label: 'Status' },
      { key: 'started', label: 'Started' },
      { key: 'ended', label: 'Ended' },
      { key: 'seed', label: 'Seed' },
      { key: 'dataset', label: 'Dataset fingerprint' },
      { key: 'commit', label: 'scanlab commit' },
    ],
    rows,
  };
}

function datasetsTable(inputs: readonly ReportInput[]): Block | null {
  const byFingerprint = new Map<string, ReportInput[]>();
  for (const i of inputs)
    if (i.dataset)
      byFingerprint.set(i.run.datasetHash ?? i.dataset.path, [
        ...(byFingerprint.get(i.run.datasetHash ?? i.dataset.path) ?? []),
        i,
      ]);
  if (byFingerprint.size === 0) return null;
  const rows: TableRow[] = [...byFingerprint.entries()].map(([fingerprint, runs]) => {
    const d = runs[0]!.dataset!;
    const kinds = d.kinds
      ? Object.entries(d.kinds)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')
      : '';
    return {
      runIds: runs.map((r) => r.run.id),
      cells: [
        textCell(d.available ? (d.name ?? '') : '(files not found at report time)'),
        textCell(d.path),
        { text: fingerprint, value: fingerprint },
        d.items === undefined ? emptyCell() : numberCell(d.items),
        d.groups === undefined ? emptyCell() : numberCell(d.groups),
        d.kinds ? { text: kinds, value: { ...d.kinds } } : emptyCell(),
        d.synthetic === undefined ? emptyCell() : textCell(d.synthetic ? 'yes' : 'no'),
        textCell(runs.map((r) => r.run.id).join(', ')),
      ],
    };
  });
  return {
    kind: 'table',
    id: 'methods-datasets',
    caption:
      'Datasets (fingerprint recorded by the runs; name, counts and kinds read from the files when the report was made)',
    runIds: [...byFingerprint.values()].flat().map((i) => i.run.id),
    columns: [
      { key: 'name', label: 'Dataset' },
      { key: 'path', label: 'Path' },
      { key: 'fingerprint', label: 'Fingerprint (SHA-256)' },
      { key: 'items', label: 'Images', numeric: true },
      { key: 'groups', label: 'Near-duplicate groups', numeric: true },
      { key: 'kinds', label: 'Kinds' },
      { key: 'synthetic', label: 'Synthetic' },
      { key: 'runs', label: 'Runs' },
    ],
    rows,
  };
}

function configTable(inputs: readonly ReportInput[]): Block {
  const rows: TableRow[] = inputs.flatMap(({ run }) =>
    Object.entries((run.config ?? {}) as Record<string, unknown>)
      .filter(([key]) => key !== 'transforms')
      .map(([key, v]) => ({
        runIds: [run.id],
        cells: [textCell(run.id), textCell(key), typeof v === 'number' ? numberCell(v) : textCell(configValue(v))],
      })),
  );
  return {
    kind: 'table',
    id: 'methods-config',
    caption: 'Run configurations (transforms are listed separately)',
    runIds: inputs.map((i) => i.run.id),
    columns: [
      { key: 'run', label: 'Run' },
      { key: 'setting', label: 'Setting' },
      { key: 'value', label: 'Value' },
    ],
    rows,
  };
}

function transformsList(inputs: readonly ReportInput[]): Block | null {
  const byTransform = new Map<string, string[]>();
  for (const { run } of inputs) {
    const transforms = (run.config as { transforms?: unknown } | null)?.transforms;
    if (Array.isArray(transforms))
      for (const t of transforms) byTransform.set(String(t), [...(byTransform.get(String(t)) ?? []), run.id]);
  }
  if (byTransform.size === 0) return null;
  const runIds = [...new Set([...byTransform.values()].flat())];
  return {
    kind: 'table',
    id: 'methods-transforms',
    caption:
      'Transforms applied in robustness runs (spec language and parameters: docs/transforms.md); each edit is seeded per image from the run seed',
    runIds,
    columns: [
      { key: 'transform', label: 'Transform' },
      { key: 'runs', label: 'Runs' },
    ],
    rows: [...byTransform.entries()].map(([t, ids]) => ({
      runIds: ids,
      cells: [textCell(t), textCell(ids.join(', '))],
    })),
  };
}

function thresholdsTable(ctx: ReportContext): Block | null {
  const algos = new Map<string, string[]>();
  for (const { run } of ctx.inputs) {
    const list = (run.config as { algos?: unknown } | null)?.algos;
    if (Array.isArray(list)) for (const a of list) algos.set(String(a), [...(algos.get(String(a)) ?? []), run.id]);
  }
  if (algos.size === 0) return null;
  const rows: TableRow[] = [...algos.entries()].map(([algo, ids]) => {
    let nbits: number | null;
    try {
      nbits = getHasher(algo).nbits;
    } catch {
      nbits = null;
    }
    return {
      runIds: ids,
      cells: [
        textCell(algo),
        nbits === null ? emptyCell() : numberCell(nbits),
        numberCell(ctx.options.thresholdOf(algo)),
        textCell(
          ctx.options.thresholdOverridden(algo) ? 'set for this report' : 'scanlab default (src/eval/thresholds.ts)',
        ),
      ],
    };
  });
  return {
    kind: 'table',
    id: 'methods-thresholds',
    caption: 'Operating thresholds: a pair matches when the Hamming distance is at most τ',
    runIds: [...new Set([...algos.values()].flat())],
    columns: [
      { key: 'algo', label: 'Algorithm' },
      { key: 'bits', label: 'Bits', numeric: true },
      { key: 'tau', label: 'τ (bits)', numeric: true },
      { key: 'source', label: 'Source' },
    ],
    rows,
  };
}

function versionsTable(inputs: readonly ReportInput[]): Block {
  const versions = new Map<string, Map<string, string[]>>();
  const add = (component: string, version: string, runId: string): void => {
    const byVersion = versions.get(component) ?? new Map<string, string[]>();
    byVersion.set(version, [...(byVersion.get(version) ?? []), runId]);
    versions.set(component, byVersion);
  };
  for (const { run } of inputs) {
    const p = run.provenance;
    add('scanlab', p.scanlab, run.id);
    add('Node.js', p.node, run.id);
    add('libvips', p.libvips, run.id);
    if (p.libsodium) add('libsodium (PSI)', p.libsodium, run.id);
    for (const [pkg, v] of Object.entries(p.packages)) add(pkg, v, run.id);
  }
  const rows: TableRow[] = [...versions.entries()].flatMap(([component, byVersion]) =>
    [...byVersion.entries()].map(([version, ids]) => ({
      runIds: ids,
      cells: [textCell(component), textCell(version), textCell(ids.join(', '))],
    })),
  );
  return {
    kind: 'table',
    id: 'methods-versions',
    caption: 'Software versions recorded by the runs',
    runIds: inputs.map((i) => i.run.id),
    columns: [
      { key: 'component', label: 'Component' },
      { key: 'version', label: 'Version' },
      { key: 'runs', label: 'Runs' },
    ],
    rows,
  };
}

function notes(ctx: ReportContext): string[] {
  const out: string[] = [];
  for (const i of ctx.inputs) {
    if (i.run.status !== 'done')
      out.push(
        `Run ${i.run.id} (${i.run.kind}) is ${i.run.status}${i.artifacts.summary === undefined ? ' and has no summary yet: resume it to include its results' : ''}.`,
      );
    const summary = i.artifacts.summary as
      { readonly items?: number; readonly failedItems?: readonly FailedItem[] } | undefined;
    const failed =
      summary?.items === undefined
        ? null
        : failuresNote(i.run.id, i.run.kind, summary.items, summary.failedItems ?? []);
    if (failed) out.push(failed);
    if (i.run.provenance.gitDirty)
      out.push(`Run ${i.run.id} was made from a checkout with uncommitted changes to tracked files.`);
  }
  for (const i of ctx.uncovered)
    out.push(
      `Run ${i.run.id} is a ${i.run.kind} run, for which no report section exists yet; only its configuration is listed.`,
    );
  return out;
}

function methodsSection(ctx: ReportContext): ReportSection {
  const blocks: Block[] = [
    {
      kind: 'text',
      paragraphs: [
        'Everything in this section is read from the stored runs: rerunning a run with the same configuration, seed and dataset fingerprint on the same software versions gives the same numbers.',
      ],
    },
    runsTable(ctx.inputs),
  ];
  const extra = notes(ctx);
  if (extra.length) blocks.push({ kind: 'list', title: 'Notes on the runs', items: extra });
  for (const b of [
    datasetsTable(ctx.inputs),
    configTable(ctx.inputs),
    transformsList(ctx.inputs),
    thresholdsTable(ctx),
    versionsTable(ctx.inputs),
  ])
    if (b) blocks.push(b);
  blocks.push({ kind: 'list', title: 'Statistical methods and assumptions', items: STATISTICAL_METHODS });
  return { id: 'methods', title: 'Methods', runIds: ctx.inputs.map((i) => i.run.id), blocks };
}

export const methodsContributor: SectionContributor = {
  id: 'methods',
  kinds: ['*'],
  contribute: (ctx) => (ctx.inputs.length ? [methodsSection(ctx)] : []),
};
