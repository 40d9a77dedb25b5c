// The review as one self-contained HTML page (inline style, no script, nothing fetched), built from the
// report object. Every text goes through `esc`, so a name like <script> prints as text.

import type { FormatOptions } from '../results/format.ts';
import {
  experimentFacts,
  experimentOutcome,
  linkedExperiments,
  type ReviewExperiment,
} from './experiments.ts';
import {
  benchmarkText,
  brokenGuardrails,
  forecastText,
  formatChange,
  formatEffect,
  formatGoal,
  formatValue,
  judgedNote,
  REASON_LABEL,
  reviewStatus,
  reviewWorth,
} from './format.ts';
import type { PeriodBounds } from './period.ts';
import type { ReviewKpi, ReviewMove, ReviewReport } from './review.ts';

export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; color: #1f2328; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; } .muted { color: #656d76; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; } th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #d0d7de; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { padding: 0.1rem 0.45rem; border-radius: 0.6rem; font-size: 0.85em; white-space: nowrap; }
.on_track { background: #dafbe1; } .at_risk { background: #fff8c5; } .off_track { background: #ffebe9; } .no_data { background: #eaeef2; }
.critical { color: #cf222e; font-weight: 600; } .warning { color: #9a6700; font-weight: 600; }
`;

type Cell = { text: string; num?: boolean; html?: string };
const cell = (c: Cell | string) =>
  typeof c === 'string'
    ? `<td>${esc(c)}</td>`
    : `<td${c.num ? ' class="num"' : ''}>${c.html ?? esc(c.text)}</td>`;
const num = (text: string): Cell => ({ text, num: true });

function table(head: readonly string[], rows: readonly (readonly (Cell | string)[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map(cell).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const status = (k: ReviewKpi, period: PeriodBounds, money: FormatOptions): Cell => {
  const note = [judgedNote(k, period, money), brokenGuardrails(k, money)].filter(Boolean).join('; ');
  return {
    text: reviewStatus(k),
    html: `<span class="status ${k.status}">${esc(reviewStatus(k))}${k.ahead ? ' (ahead)' : ''}</span>${
      note ? ` <span class="muted">${esc(note)}</span>` : ''
    }`,
  };
};

/** The owner's experiments: hypothesis, status, the decision with its result, and the learning. */
function experimentList(list: readonly ReviewExperiment[]): string {
  if (list.length === 0) return '';
  const item = (e: ReviewExperiment) =>
    `<li><strong>${esc(e.name)}</strong> <span class="muted">(${esc(e.id)})</span>: ${esc(experimentFacts(e))}<br>Hypothesis: ${esc(
      e.hypothesis ?? 'none recorded',
    )}<br>Decision: ${esc(experimentOutcome(e))}${e.decision ? `<br>Learning: ${esc(e.decision.learning)}` : ''}</li>`;
  return `<h3>Experiments</h3><ul>${list.map(item).join('')}</ul>`;
}

function ownerSection(
  report: ReviewReport,
  owner: string,
  kpis: readonly ReviewKpi[],
  experiments: readonly ReviewExperiment[],
): string {
  if (kpis.length === 0) return `<section><h2>${esc(owner)}</h2>${experimentList(experiments)}</section>`;
  const { period } = report;
  const money = { currency: report.currency };
  const rows = kpis.map((k) => [
    k.name,
    k.segment,
    num(formatValue(k.value, k.unit, money)),
    num(formatValue(k.previous, k.unit, money)),
    num(formatChange(k.change, k.relative_change, k.unit, money)),
    num(formatGoal(k.pragmatic, k.unit, money)),
    num(formatGoal(k.aspirational, k.unit, money)),
    status(k, period, money),
  ]);
  const plans = kpis
    .map(
      (k) =>
        `<li><strong>${esc(k.name)}</strong>${k.segment === 'all' ? '' : ` (${esc(k.segment)})`}, reviewed ${esc(k.cadence)}: ${
          k.action_plan.length === 0 ? 'no action plan recorded' : k.action_plan.map(esc).join('; ')
        }${linkedExperiments(k, experiments)
          .map((e) => `; experiment ${esc(e.name)} (${esc(e.status)})`)
          .join('')}${benchmarkText(k, money) ? `; benchmark ${esc(benchmarkText(k, money))}` : ''}${
          forecastText(k, money) ? `; ${esc(forecastText(k, money))}` : ''
        }${reviewWorth(k, money) ? `; ${esc(reviewWorth(k, money))}` : ''}</li>`,
    )
    .join('');
  return `<section><h2>${esc(owner)}</h2>${table(
    ['KPI', 'Segment', period.label, period.previous.label, 'Change', 'Pragmatic', 'Aspirational', 'Status'],
    rows,
  )}<ul>${plans}</ul>${experimentList(experiments)}</section>`;
}

function move(m: ReviewMove, money: FormatOptions): string {
  const head = `<h3>${esc(m.name)} — ${esc(REASON_LABEL[m.reason])}</h3><p>${esc(
    `${formatValue(m.previous, m.unit, money)} → ${formatValue(m.value, m.unit, money)}; change ${formatChange(m.change, m.relative_change, m.unit, money)}`,
  )}</p>`;
  if (m.segments.length === 0) return `${head}<p>No segment explains the change beyond its size.</p>`;
  return `${head}${table(
    ['Dimension', 'Segment', 'Before', 'After', 'Rate effect', 'Mix effect', 'Contribution'],
    m.segments.map((s) => [
      s.dimension,
      s.segment,
      num(formatValue(s.before, m.unit, money)),
      num(formatValue(s.after, m.unit, money)),
      num(formatEffect(s.rate_effect, m.unit, money)),
      num(formatEffect(s.mix_effect, m.unit, money)),
      num(formatEffect(s.contribution, m.unit, money)),
    ]),
  )}`;
}

const list = (items: readonly string[], empty: string) =>
  items.length === 0 ? `<p>${esc(empty)}</p>` : `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;

export function renderHtml(report: ReviewReport): string {
  const { period, summary: s } = report;
  const title = `Review ${period.label}`;
  const body = [
    `<h1>${esc(title)}</h1>`,
    `<p class="muted">${esc(
      `${period.grain === 'month' ? 'Month' : 'Quarter'} ${period.start.slice(0, 10)} to ${report.as_of.slice(0, 10)} (exclusive), against ${period.previous.label}. Generated ${report.generated_at.slice(0, 16).replace('T', ' ')} UTC.`,
    )}</p>`,
    '<h2>Summary</h2>',
    list(
      [
        `${s.targets} targets of ${s.owners} owners: ${s.on_track} on track, ${s.at_risk} at risk, ${s.off_track} off track, ${s.no_data} without data`,
        `${s.open_alerts} open alerts`,
        `${s.data_quality_findings} data-quality findings`,
        `${s.experiments} experiments of the period`,
      ].map(esc),
      '',
    ),
    ...report.owners.map((o) => ownerSection(report, o.owner, o.kpis, o.experiments)),
    '<h2>What moved and why</h2>',
    report.moves.length === 0
      ? '<p>No KPI with a target moved.</p>'
      : report.moves.map((m) => move(m, { currency: report.currency })).join(''),
    '<h2>Open alerts</h2>',
    list(
      report.alerts.map(
        (a) => `${esc(a.message)} <span class="muted">(since ${esc(a.first_seen.slice(0, 10))})</span>`,
      ),
      'None.',
    ),
    '<h2>Data quality</h2>',
    list(
      report.data_quality.map(
        (f) =>
          `<span class="${f.severity}">${f.severity === 'critical' ? 'Critical' : 'Warning'}</span>: ${esc(f.message)} — ${esc(f.action)}`,
      ),
      'No findings.',
    ),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
