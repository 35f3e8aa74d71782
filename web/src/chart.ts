// The answer's Vega-Lite chart (src/viz/chart.cpp makes it: data inline, one view) and a switch
// between the marks that suit the data. Vega is loaded on first use, as its own chunk.

import { clear, h } from './dom';
import type { ChartBlock, VegaLiteSpec } from './types';

export type ChartKind = 'bar' | 'line' | 'point' | 'arc';
const LABELS: Record<ChartKind, string> = { bar: 'Bar', line: 'Line', point: 'Points', arc: 'Pie' };
const MAX_ARC_SLICES = 12;

// The spec inside an answer's `chart` ({"type","spec","notes"}), or the chart itself when bare.
export function chartSpec(chart: ChartBlock | VegaLiteSpec | null | undefined): VegaLiteSpec | null {
  if (!chart || typeof chart !== 'object') return null;
  if ('spec' in chart) return (chart as ChartBlock).spec ?? null;
  if ('mark' in chart || 'encoding' in chart) return chart as VegaLiteSpec;
  return null;
}

export function chartNotes(chart: ChartBlock | VegaLiteSpec | null | undefined): string[] {
  if (!chart || typeof chart !== 'object' || !('spec' in chart)) return [];
  const block = chart as ChartBlock;
  return [...(block.notes ?? []), ...(block.spec ? [] : block.reason ? [block.reason] : [])];
}

function markOf(spec: VegaLiteSpec): string {
  return typeof spec.mark === 'string' ? spec.mark : spec.mark?.type ?? '';
}

type Enc = Record<string, unknown>;

// What the spec plots: its first measure and the field it is plotted against.
interface Roles {
  measure: Enc;
  dimension: Enc | null;
  color: Enc | null;
}

function roles(spec: VegaLiteSpec): Roles | null {
  const enc: Record<string, Enc | undefined> = {};
  for (const [k, v] of Object.entries(spec.encoding ?? {})) if (!Array.isArray(v)) enc[k] = v;
  if (markOf(spec) === 'arc') {
    if (!enc.theta) return null;
    return { measure: enc.theta, dimension: enc.color ?? null, color: null };
  }
  const x = enc.x, y = enc.y;
  if (!x || !y) return null;
  const quantX = x.type === 'quantitative', quantY = y.type === 'quantitative';
  if (quantX && quantY) return { measure: y, dimension: x, color: enc.color ?? null };
  if (quantY) return { measure: y, dimension: x, color: enc.color ?? null };
  if (quantX) return { measure: x, dimension: y, color: enc.color ?? null };
  return null;
}

// The marks that suit this chart, its own first. Pies only for one series of few, non-negative slices of
// categories; lines only along an ordered axis (time, ordinal or numbers).
export function chartKinds(spec: VegaLiteSpec): ChartKind[] {
  const own = markOf(spec);
  const kinds: ChartKind[] = [];
  if ((['bar', 'line', 'point', 'arc'] as string[]).includes(own)) kinds.push(own as ChartKind);
  const r = roles(spec);
  if (!r || !r.dimension || spec.transform?.length) return kinds;
  const dimType = r.dimension.type;
  const add = (k: ChartKind) => { if (!kinds.includes(k)) kinds.push(k); };
  if (dimType !== 'quantitative') add('bar');
  if (dimType !== 'nominal') add('line');
  add('point');
  if (!r.color && dimType === 'nominal' && arcFits(spec, r)) add('arc'); // shares of categories, not of times
  return kinds;
}

function arcFits(spec: VegaLiteSpec, r: Roles): boolean {
  const values = spec.data?.values ?? [];
  const field = unescapeField(String(r.measure.field ?? ''));
  const dim = unescapeField(String(r.dimension?.field ?? ''));
  const labels = new Set(values.map((v) => String(v[dim])));
  return labels.size >= 2 && labels.size <= MAX_ARC_SLICES &&
    values.every((v) => typeof v[field] === 'number' && (v[field] as number) >= 0);
}

// Field references escape `.`, `[`, `]`, quotes and `\` (docs/charts.md).
function unescapeField(f: string): string {
  return f.replace(/\\(.)/g, '$1');
}

// The spec drawn as `kind`: the original when it is its own mark, else rebuilt from its roles.
export function withKind(spec: VegaLiteSpec, kind: ChartKind): VegaLiteSpec {
  if (markOf(spec) === kind) return spec;
  const r = roles(spec);
  if (!r || !r.dimension) return spec;
  const { measure, dimension, color } = r;
  const base: VegaLiteSpec = { $schema: spec.$schema, title: spec.title, data: spec.data, mark: { type: kind, tooltip: true } };
  const plainDim = { ...dimension };
  delete plainDim.sort;
  if (kind === 'arc') {
    const colorDim: Enc = { ...plainDim, type: plainDim.type === 'nominal' ? 'nominal' : 'ordinal' };
    delete colorDim.axis;
    const theta = { field: measure.field, type: 'quantitative', title: measure.title, stack: true };
    return stripUndefined({ ...base, encoding: {
      theta,
      color: colorDim,
      order: { field: measure.field, type: 'quantitative', sort: 'descending' },
      tooltip: [plainDim, { ...theta, stack: undefined }],
    } });
  }
  const x: Enc = { ...plainDim };
  if (kind === 'bar' && x.type === 'nominal') x.sort = '-y';
  const encoding: Record<string, Enc> = { x, y: { ...measure } };
  if (color) encoding.color = color;
  if (kind === 'line' && (spec.data?.values?.length ?? 0) <= 100) base.mark = { type: 'line', tooltip: true, point: true };
  return { ...base, encoding: stripUndefined(encoding) };
}

function stripUndefined<T extends object>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}

// Draws `spec` into `target` (SVG), fitted to the container's width.
export async function drawChart(target: HTMLElement, spec: VegaLiteSpec): Promise<void> {
  const [{ default: embed }, { expressionInterpreter }] = await Promise.all([import('vega-embed'), import('vega-interpreter')]);
  // Pies keep a fixed size; other charts fill the card's width.
  const fitted: VegaLiteSpec = markOf(spec) === 'arc'
    ? { ...spec, width: 260, height: 260 }
    : { ...spec, width: 'container', autosize: { type: 'fit-x', contains: 'padding' } };
  // The interpreter evaluates Vega expressions without eval/new Function, so a strict CSP holds.
  await embed(target, fitted as never, {
    actions: false, renderer: 'svg', ast: true, expr: expressionInterpreter as never,
    config: { axisBand: { labelAngle: 0, labelLimit: 140 } }, // level category labels under bars
  });
}

// The chart with its type switch; `null` when the answer has no chart.
export function chartView(chart: ChartBlock | VegaLiteSpec | null | undefined): HTMLElement | null {
  const spec = chartSpec(chart);
  const notes = chartNotes(chart);
  if (!spec) return notes.length ? h('p', { class: 'chart-note' }, notes.join(' ')) : null;
  const kinds = chartKinds(spec);
  const target = h('div', { class: 'chart', role: 'img', 'aria-label': `Chart: ${typeof spec.title === 'string' ? spec.title : 'result'}` });
  const status = h('p', { class: 'chart-status' });
  const draw = (kind: ChartKind) => {
    drawChart(target, withKind(spec, kind)).then(
      () => { status.textContent = ''; target.dataset.kind = kind; target.dataset.rendered = 'true'; },
      (e: unknown) => { clear(target); status.textContent = `The chart could not be drawn: ${e instanceof Error ? e.message : String(e)}`; });
  };
  const root = h('div', { class: 'chart-block' });
  if (kinds.length > 1) {
    const group = h('div', { class: 'chart-kinds', role: 'group', 'aria-label': 'Chart type' });
    for (const kind of kinds) {
      group.append(h('button', {
        type: 'button', 'data-kind': kind, 'aria-pressed': kind === kinds[0] ? 'true' : 'false',
        onclick: (e: Event) => {
          group.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b === e.currentTarget)));
          draw(kind);
        },
      }, LABELS[kind]));
    }
    root.append(group);
  }
  root.append(target, status);
  if (notes.length) root.append(h('p', { class: 'chart-note' }, notes.join(' ')));
  // Vega needs the element in the document to measure its width: draw on the next frame.
  requestAnimationFrame(() => draw(kinds[0] ?? (markOf(spec) as ChartKind)));
  return root;
}
