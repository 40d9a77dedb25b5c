// The review as Markdown, from the report object. Every text that may come from the project file or the
// data (KPI and owner names, plans, messages) is escaped, so it prints as written and never as markup.

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
import type { ReviewKpi, ReviewMove, ReviewReport } from './review.ts';

/** Escapes Markdown syntax and raw HTML; a line break becomes a space (table cells are one line). */
export function md(text: string): string {
  return text
    .replace(/[\\`*_[\]|#]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

function ownerKpiRows(report: ReviewReport, kpis: readonly ReviewKpi[]): string {
  const { period } = report;
  const money = { currency: report.currency };
  return table(
    ['KPI', 'Segment', period.label, period.previous.label, 'Change', 'Pragmatic', 'Aspirational', 'Status'],
    kpis.map((k) => [
      md(k.name),
      md(k.segment),
      formatValue(k.value, k.unit, money),
      formatValue(k.previous, k.unit, money),
      formatChange(k.change, k.relative_change, k.unit, money),
      formatGoal(k.pragmatic, k.unit, money),
      formatGoal(k.aspirational, k.unit, money),
      `${reviewStatus(k)}${k.ahead ? ' (ahead)' : ''}${judgedNote(k, period, money) ? `, ${judgedNote(k, period, money)}` : ''}${brokenGuardrails(k, money) ? ` (${md(brokenGuardrails(k, money))})` : ''}`,
    ]),
  );
}

function plans(
  kpis: readonly ReviewKpi[],
  experiments: readonly ReviewExperiment[],
  money: FormatOptions,
): string[] {
  return kpis.map((k) => {
    const linked = linkedExperiments(k, experiments);
    const benchmark = benchmarkText(k, money);
    return `- **${md(k.name)}**${k.segment === 'all' ? '' : ` (${md(k.segment)})`}, reviewed ${md(k.cadence)}: ${
      k.action_plan.length === 0 ? 'no action plan recorded' : k.action_plan.map(md).join('; ')
    }${linked.length === 0 ? '' : `; experiments: ${linked.map((e) => `${md(e.name)} (${e.status})`).join(', ')}`}${
      benchmark ? `; benchmark ${md(benchmark)}` : ''
    }${forecastText(k, money) ? `; ${md(forecastText(k, money))}` : ''}${
      reviewWorth(k, money) ? `; ${md(reviewWorth(k, money))}` : ''
    }`;
  });
}

/** The owner's experiments: hypothesis, status, the decision with its result, and the learning. */
function experiments(list: readonly ReviewExperiment[]): string[] {
  if (list.length === 0) return [];
  return [
    '### Experiments',
    '',
    ...list.flatMap((e) => [
      `- **${md(e.name)}** (${md(e.id)}): ${md(experimentFacts(e))}`,
      `  - Hypothesis: ${md(e.hypothesis ?? 'none recorded')}`,
      `  - Decision: ${md(experimentOutcome(e))}`,
      ...(e.decision ? [`  - Learning: ${md(e.decision.learning)}`] : []),
    ]),
    '',
  ];
}

function move(m: ReviewMove, money: FormatOptions): string[] {
  return [
    `### ${md(m.name)} — ${REASON_LABEL[m.reason]}`,
    '',
    `${formatValue(m.previous, m.unit, money)} → ${formatValue(m.value, m.unit, money)}; change ${formatChange(m.change, m.relative_change, m.unit, money)}`,
    '',
    m.segments.length === 0
      ? 'No segment explains the change beyond its size.'
      : table(
          ['Dimension', 'Segment', 'Before', 'After', 'Rate effect', 'Mix effect', 'Contribution'],
          m.segments.map((s) => [
            md(s.dimension),
            md(s.segment),
            formatValue(s.before, m.unit, money),
            formatValue(s.after, m.unit, money),
            formatEffect(s.rate_effect, m.unit, money),
            formatEffect(s.mix_effect, m.unit, money),
            formatEffect(s.contribution, m.unit, money),
          ]),
        ),
    '',
  ];
}

export function renderMarkdown(report: ReviewReport): string {
  const { period, summary: s } = report;
  const out = [
    `# Review ${period.label}`,
    '',
    `${period.grain === 'month' ? 'Month' : 'Quarter'} ${period.start.slice(0, 10)} to ${report.as_of.slice(0, 10)} (exclusive), against ${period.previous.label}. Generated ${report.generated_at.slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    '## Summary',
    '',
    `- ${s.targets} targets of ${s.owners} owners: ${s.on_track} on track, ${s.at_risk} at risk, ${s.off_track} off track, ${s.no_data} without data`,
    `- ${s.open_alerts} open alerts`,
    `- ${s.data_quality_findings} data-quality findings`,
    `- ${s.experiments} experiments of the period`,
    '',
  ];
  for (const owner of report.owners) {
    out.push(`## ${md(owner.owner)}`, '');
    if (owner.kpis.length > 0)
      out.push(
        ownerKpiRows(report, owner.kpis),
        '',
        ...plans(owner.kpis, owner.experiments, { currency: report.currency }),
        '',
      );
    out.push(...experiments(owner.experiments));
  }
  out.push('## What moved and why', '');
  if (report.moves.length === 0) out.push('No KPI with a target moved.', '');
  for (const m of report.moves) out.push(...move(m, { currency: report.currency }));
  out.push('## Open alerts', '');
  if (report.alerts.length === 0) out.push('None.', '');
  else out.push(...report.alerts.map((a) => `- ${md(a.message)} (since ${a.first_seen.slice(0, 10)})`), '');
  out.push('## Data quality', '');
  if (report.data_quality.length === 0) out.push('No findings.', '');
  else
    out.push(
      ...report.data_quality.map(
        (f) =>
          `- **${f.severity === 'critical' ? 'Critical' : 'Warning'}**: ${md(f.message)} — ${md(f.action)}`,
      ),
      '',
    );
  return out.join('\n');
}
