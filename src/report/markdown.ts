// The review as Markdown, from the report object. Every text that may come from the project file or the
// data (KPI and owner names, plans, messages) is escaped, so it prints as written and never as markup.
import {
  formatChange,
  formatEffect,
  formatGoal,
  formatValue,
  judgedNote,
  REASON_LABEL,
  STATUS_LABEL,
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
  return table(
    ['KPI', 'Segment', period.label, period.previous.label, 'Change', 'Pragmatic', 'Aspirational', 'Status'],
    kpis.map((k) => [
      md(k.name),
      md(k.segment),
      formatValue(k.value, k.unit),
      formatValue(k.previous, k.unit),
      formatChange(k.change, k.relative_change, k.unit),
      formatGoal(k.pragmatic, k.unit),
      formatGoal(k.aspirational, k.unit),
      `${STATUS_LABEL[k.status]}${k.ahead ? ' (ahead)' : ''}${judgedNote(k, period) ? `, ${judgedNote(k, period)}` : ''}`,
    ]),
  );
}

function plans(kpis: readonly ReviewKpi[]): string[] {
  return kpis.map(
    (k) =>
      `- **${md(k.name)}**${k.segment === 'all' ? '' : ` (${md(k.segment)})`}, reviewed ${md(k.cadence)}: ${
        k.action_plan.length === 0 ? 'no action plan recorded' : k.action_plan.map(md).join('; ')
      }`,
  );
}

function move(m: ReviewMove): string[] {
  return [
    `### ${md(m.name)} — ${REASON_LABEL[m.reason]}`,
    '',
    `${formatValue(m.previous, m.unit)} → ${formatValue(m.value, m.unit)}; change ${formatChange(m.change, m.relative_change, m.unit)}`,
    '',
    m.segments.length === 0
      ? 'No segment explains the change beyond its size.'
      : table(
          ['Dimension', 'Segment', 'Before', 'After', 'Rate effect', 'Mix effect', 'Contribution'],
          m.segments.map((s) => [
            md(s.dimension),
            md(s.segment),
            formatValue(s.before, m.unit),
            formatValue(s.after, m.unit),
            formatEffect(s.rate_effect, m.unit),
            formatEffect(s.mix_effect, m.unit),
            formatEffect(s.contribution, m.unit),
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
    '',
  ];
  for (const owner of report.owners) {
    out.push(`## ${md(owner.owner)}`, '', ownerKpiRows(report, owner.kpis), '', ...plans(owner.kpis), '');
  }
  out.push('## What moved and why', '');
  if (report.moves.length === 0) out.push('No KPI with a target moved.', '');
  for (const m of report.moves) out.push(...move(m));
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
