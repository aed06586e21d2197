import { ACTORS } from '../../trace/actor.js';
import type { Cell, Comparison, StepRow } from '../comparison.js';
import { cellLines, sameText } from './cell-text.js';

const LINE = 16;
const LANE = 60;
/** Room right of the firmware lifeline for the vendor calls' names. */
const CALLS = 330;
const HEAD = 30;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The actors any arch's steps name, in the vocabulary's order, plus the firmware: the lifelines of every diagram. */
function lanesOf(c: Comparison): string[] {
  const used = new Set<string>(['firmware']);
  for (const f of c.flows) for (const s of f.steps) for (const cell of s.cells) if (cell) used.add(cell.initiator).add(cell.actor);
  return ACTORS.filter((a) => used.has(a));
}

/** Every row's height, the same in every arch's diagram so that the diagrams align by step. */
const rowHeight = (row: StepRow): number => LINE * (1 + Math.max(0, ...row.cells.map((x) => x?.calls.length ?? 0))) + 6;

/** An arrow from `x1` to `x2`; its label goes above it, or at `labelX` on its line when given. */
function arrow(x1: number, x2: number, y: number, label: string, cls: string, labelX?: number): string {
  if (x1 === x2) {
    return `<path class="${cls}" d="M${x1} ${y - 4} h16 v8 h-16" fill="none" marker-end="url(#tip)"/><text x="${x1 + 20}" y="${y + 4}">${esc(label)}</text>`;
  }
  if (labelX !== undefined) return `<line class="${cls}" x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" marker-end="url(#tip)"/><text x="${labelX}" y="${y + 4}">${esc(label)}</text>`;
  const tx = Math.min(x1, x2) + 4;
  return `<line class="${cls}" x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" marker-end="url(#tip)"/><text x="${tx}" y="${y - 3}">${esc(label)}</text>`;
}

function cellDrawing(cell: Cell | null, moved: boolean, lane: (a: string) => number, y: number): string {
  if (!cell) return `<text class="absent" x="${lane('firmware') - 40}" y="${y + 12}">${moved ? '(moved)' : '(not run)'}</text>`;
  const parts = [arrow(lane(cell.initiator), lane(cell.actor), y + 12, `${cell.result === 'ok' ? '' : `[${cell.result}] `}`, cell.result === 'ok' ? 'step' : 'step failed')];
  cell.calls.forEach((call, i) => parts.push(arrow(lane(cell.actor), lane('firmware'), y + 12 + LINE * (i + 1), `${call.op} ${call.result}`, call.result === 'ok' ? 'call' : 'call failed', lane('firmware') + 8)));
  return parts.join('');
}

/** One arch's sequence diagram: lifelines, and per aligned row the step's arrow and the vendor calls it caused. */
function diagram(c: Comparison, a: number, lanes: readonly string[]): string {
  const lane = (actor: string): number => 40 + LANE * Math.max(0, lanes.indexOf(actor));
  const width = 40 + LANE * (lanes.length - 1) + CALLS;
  const body: string[] = [];
  let y = HEAD;
  for (const f of c.flows) {
    body.push(`<text class="flow" x="4" y="${y + 12}">${esc(f.flow ?? 'outside a flow')}${f.unwinding ? ' (unwinding)' : ''}</text>`);
    y += LINE + 4;
    for (const row of f.steps) {
      const h = rowHeight(row);
      const arch = c.archs[a] as string;
      body.push(`<g class="row${row.same ? '' : ' diff'}" data-step="${esc(row.step)}" data-arch="${esc(arch)}">`);
      if (!row.same) body.push(`<rect class="hl" x="0" y="${y}" width="${width}" height="${h + LINE - 2}"/>`);
      body.push(`<text class="label" x="4" y="${y + 12}">${esc(row.step)}</text>`, cellDrawing(row.cells[a] ?? null, row.moved.includes(arch), lane, y + LINE), '</g>');
      y += h + LINE;
    }
  }
  const heads = lanes.map((l) => `<text class="actor" x="${lane(l)}" y="18" text-anchor="middle">${esc(l)}</text><line class="life" x1="${lane(l)}" y1="${HEAD - 6}" x2="${lane(l)}" y2="${y}"/>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="seq" data-arch="${esc(c.archs[a] as string)}" width="${width}" height="${y + 10}" viewBox="0 0 ${width} ${y + 10}">`,
    '<defs><marker id="tip" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0 L8 4 L0 8 z"/></marker></defs>',
    ...heads,
    ...body,
    '</svg>',
  ].join('\n');
}

function table(c: Comparison): string {
  const rows = c.flows.flatMap((f) => [
    `<tr class="flow"><th colspan="${c.archs.length + 1}">${esc(f.flow ?? 'outside a flow')}${f.unwinding ? ' (unwinding)' : ''}</th></tr>`,
    ...f.steps.map((row) =>
      row.same
        ? `<tr class="same"><td>${esc(row.step)}</td><td colspan="${c.archs.length}">${esc(sameText(row))}</td></tr>`
        : `<tr class="diff"><td>* ${esc(row.step)}</td>${row.cells.map((cell, a) => `<td>${cellLines(cell, row.moved.includes(c.archs[a] as string)).map(esc).join('<br/>')}</td>`).join('')}</tr>`,
    ),
  ]);
  const verdicts = c.verdicts.map((v) => `<tr class="${v.outcome}"><td>${esc(v.arch)}</td><td>${v.outcome}</td><td>${esc(v.stoppedBy ?? '—')}</td></tr>`);
  return [
    `<table class="cmp"><thead><tr><th>step</th>${c.archs.map((a) => `<th>${esc(a)}</th>`).join('')}</tr></thead><tbody>`,
    ...rows,
    '</tbody></table>',
    '<h2>verdicts</h2><table class="verdicts"><thead><tr><th>arch</th><th>outcome</th><th>stopped by</th></tr></thead><tbody>',
    ...verdicts,
    '</tbody></table>',
  ].join('\n');
}

const STYLE = `body{font:13px system-ui,sans-serif;margin:16px}table{border-collapse:collapse;margin-bottom:16px}
td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top;font-family:ui-monospace,monospace;font-size:12px}
tr.flow th{background:#eef;text-align:left}tr.diff td{background:#fff4d6}tr.same td{color:#666}tr.fail td{color:#b00}
.diagrams{display:flex;gap:12px;align-items:flex-start;overflow-x:auto}.arch h3{margin:4px 0}
svg text{font:11px ui-monospace,monospace}svg .actor{font-weight:bold}svg .flow{font-weight:bold;fill:#335}
svg .label{fill:#333}svg .life{stroke:#bbb;stroke-dasharray:4 3}svg line.step,svg path.step{stroke:#246;stroke-width:1.5}
svg line.call{stroke:#777}svg .failed{stroke:#c00}svg .hl{fill:#fff4d6}svg .absent{fill:#999;font-style:italic}`;

/** The comparison as one self-contained HTML file: the table, then one inline SVG sequence diagram per arch, aligned by step. */
export function comparisonHtml(c: Comparison): string {
  const lanes = lanesOf(c);
  const diagrams = c.archs.map((arch, a) => `<div class="arch"><h3>${esc(arch)}</h3>\n${diagram(c, a, lanes)}</div>`);
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"/><title>teeio compare: ${esc(c.scenario)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(c.scenario)} (seed ${esc(c.seed)}) on ${c.archs.map(esc).join(', ')}</h1>`,
    table(c),
    '<h2>sequence diagrams</h2>',
    `<div class="diagrams">${diagrams.join('\n')}</div>`,
    '</body></html>',
    '',
  ].join('\n');
}
