// Unit tests of the page's pure parts (node --test): the server-sent events parser, CSV and sorting,
// the chart-type switch. The TypeScript sources are bundled with esbuild (a dependency of Vite in
// web/node_modules) into a scratch directory and imported from there. Exit 77 when web/node_modules
// is missing (a failure under CI=true), as for the e2e test.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { requireOrSkip, webDir } from './harness.mjs';

let esbuild = null;
try {
  esbuild = createRequire(path.join(webDir, 'package.json'))('esbuild');
} catch {
  // reported below
}
requireOrSkip(esbuild, 'web/node_modules has no esbuild (run scripts/setup)');

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'da-web-unit-'));
let sse, table, chart;

before(async () => {
  const entries = ['sse', 'table', 'chart'].map((m) => path.join(webDir, 'src', `${m}.ts`));
  await esbuild.build({ entryPoints: entries, outdir: out, bundle: true, format: 'esm', platform: 'neutral',
    external: ['vega-embed', 'vega-interpreter', 'highlight.js', 'highlight.js/*'], logLevel: 'error' });
  const load = (m) => import(pathToFileURL(path.join(out, `${m}.js`)).href);
  [sse, table, chart] = await Promise.all([load('sse'), load('table'), load('chart')]);
});
after(() => fs.rmSync(out, { recursive: true, force: true }));

// The events of `chunks`, ended as readSse ends a stream (a lone CR at the end waits for a possible LF).
const events = (chunks) => {
  const p = new sse.SseParser();
  return [...chunks, '\n\n'].flatMap((c) => [...p.push(c)]);
};

test('SSE: named events, multi-line data, comments, CRLF and chunks split anywhere', () => {
  const text = ': hello\r\nevent: intent\r\ndata: {"a":1}\r\n\r\ndata: line1\ndata: line2\n\nevent: done\rdata: x\r\r';
  const expected = [{ event: 'intent', data: '{"a":1}' }, { event: 'message', data: 'line1\nline2' }, { event: 'done', data: 'x' }];
  assert.deepEqual(events([text]), expected);
  for (let cut = 1; cut < text.length; cut++) assert.deepEqual(events([text.slice(0, cut), text.slice(cut)]), expected, `cut at ${cut}`);
});

test('SSE: an event without data is dropped, a field without a colon counts, one leading space is removed', () => {
  assert.deepEqual(events(['event: ping\n\n', 'data\n\n', 'data:  two spaces\n\n']),
    [{ event: 'message', data: '' }, { event: 'message', data: ' two spaces' }]);
});

test('SSE: readSse yields the last event even without its blank line', async () => {
  const body = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('event: done\ndata: {}\n')); c.close(); } });
  const got = [];
  for await (const e of sse.readSse(body)) got.push(e);
  assert.deepEqual(got, [{ event: 'done', data: '{}' }]);
});

test('CSV quotes commas, quotes and line breaks; NULL is empty', () => {
  assert.equal(table.toCsv(['a', 'b'], [['x,y', 'say "hi"'], [null, 'two\nlines'], [1.5, true]]),
    'a,b\r\n"x,y","say ""hi"""\r\n,"two\nlines"\r\n1.5,true\r\n');
});

test('sorting: NULL first, numbers by value, text naturally', () => {
  const cells = ['b10', null, 'b2', 'a'];
  assert.deepEqual(cells.slice().sort(table.compareCells), [null, 'a', 'b2', 'b10']);
  assert.deepEqual([10, 9, 100].sort(table.compareCells), [9, 10, 100]);
});

const barSpec = () => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json', title: 'Number of customers per country',
  data: { values: [{ country: 'France', 'count(*)': 150 }, { country: 'Spain', 'count(*)': 111 }, { country: 'Japan', 'count(*)': 72 }] },
  mark: { type: 'bar', tooltip: true },
  encoding: { x: { field: 'count(*)', type: 'quantitative', title: 'Count' }, y: { field: 'country', type: 'nominal', sort: '-x', title: 'Country' } },
});

test('chart kinds: a category bar offers points and a pie, not a line', () => {
  assert.deepEqual(chart.chartKinds(barSpec()), ['bar', 'point', 'arc']);
});

test('chart kinds: no pie for negative values or too many slices; a time line offers bars', () => {
  const neg = barSpec();
  neg.data.values[0]['count(*)'] = -1;
  assert.ok(!chart.chartKinds(neg).includes('arc'));
  const many = barSpec();
  many.data.values = Array.from({ length: 13 }, (_, i) => ({ country: `c${i}`, 'count(*)': i }));
  assert.ok(!chart.chartKinds(many).includes('arc'));
  const line = { mark: 'line', data: { values: [{ m: '2024-01', v: 1 }, { m: '2024-02', v: 2 }] },
    encoding: { x: { field: 'm', type: 'temporal', timeUnit: 'utcyearmonth' }, y: { field: 'v', type: 'quantitative' } } };
  assert.deepEqual(chart.chartKinds(line), ['line', 'bar', 'point']);
});

test('chart kinds: a folded spec keeps its own mark only', () => {
  const folded = { ...barSpec(), transform: [{ fold: ['a', 'b'] }] };
  assert.deepEqual(chart.chartKinds(folded), ['bar']);
});

test('withKind: a pie puts the measure on theta and the category on color; its own kind is the spec itself', () => {
  const spec = barSpec();
  assert.equal(chart.withKind(spec, 'bar'), spec);
  const pie = chart.withKind(spec, 'arc');
  assert.equal(pie.mark.type, 'arc');
  assert.equal(pie.encoding.theta.field, 'count(*)');
  assert.equal(pie.encoding.color.field, 'country');
  assert.equal(pie.encoding.x, undefined);
  assert.deepEqual(pie.data, spec.data);
  const points = chart.withKind(spec, 'point');
  assert.equal(points.encoding.x.field, 'country');
  assert.equal(points.encoding.y.field, 'count(*)');
  assert.equal(points.encoding.x.sort, undefined);
});

test('chartSpec reads the answer block, a bare spec, or nothing', () => {
  const spec = barSpec();
  assert.equal(chart.chartSpec({ type: 'bar', spec, notes: [] }), spec);
  assert.equal(chart.chartSpec(spec), spec);
  assert.equal(chart.chartSpec({ type: 'none', spec: null, reason: 'one row' }), null);
  assert.equal(chart.chartSpec(null), null);
});
