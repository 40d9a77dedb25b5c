// The result a decision is recorded with, in one line: the primary outcome's effect for each arm against
// the control with its interval and p-value (or, for time to churn, the RMST difference), then what
// qualifies it — guardrails not ok, a sample-ratio mismatch, units left out because their window is open.
// Kept as text beside the decision, so a review shows what the decision was made on, as it was then.
import type { ExperimentAnalysis, OutcomeResult } from '../analysis.ts';

const signed = (v: number, digits: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(digits)}`;
const percent = (v: number) => `${signed(100 * v, 1)}%`;
const plain = (v: number) => {
  const text = Number(Math.abs(v).toPrecision(3)).toString();
  return `${v >= 0 ? '+' : '−'}${text}`;
};
const pText = (p: number | null | undefined) =>
  p === null || p === undefined ? '' : `, p = ${p < 0.0001 ? '< 0.0001' : p.toPrecision(2)}`;

function effects(o: OutcomeResult, level: string): string[] {
  if (o.stats) {
    const f = o.stats.difference === 'relative' ? percent : plain;
    const kind = o.stats.method === 'sequential' ? 'sequence' : 'interval';
    return o.stats.comparisons.map((c) =>
      c.effect === null
        ? `${c.arm} vs ${c.baseline}: no estimate${c.messages[0] ? ` (${c.messages[0]})` : ''}`
        : `${c.arm} vs ${c.baseline} ${f(c.effect)}${c.ci ? ` (${level} ${kind} ${f(c.ci[0])} to ${f(c.ci[1])})` : ''}${pText(c.pValue)}`,
    );
  }
  if (o.survival) {
    const tau = o.survival.tau;
    return o.survival.rmst.map(
      (r) =>
        `${r.arm} vs ${r.baseline}: RMST to day ${tau} ${signed(r.difference, 1)} days (${level} interval ${signed(r.ci[0], 1)} to ${signed(r.ci[1], 1)})${pText(r.pValue)}`,
    );
  }
  return [];
}

/** The analysis in a sentence, or null when it has no primary outcome to speak of. */
export function resultSummary(a: ExperimentAnalysis): string | null {
  const o = a.outcomes.find((x) => x.role === 'primary') ?? a.outcomes[0];
  if (!o) return null;
  const level = `${Math.round((1 - a.plan.alpha) * 1000) / 10}%`;
  const units = o.maturity.arms.reduce((s, arm) => s + arm.mature, 0);
  const parts = effects(o, level);
  const notes: string[] = [];
  if (o.maturity.excluded > 0) notes.push(`${o.maturity.excluded} units left out, window still open`);
  for (const g of a.outcomes) {
    if (g.guardrail && g.guardrail.status !== 'ok')
      notes.push(`guardrail ${g.name} ${g.guardrail.status.replace('_', ' ')}`);
  }
  if (a.flags.includes('sample_ratio_mismatch')) notes.push('sample-ratio mismatch');
  const head = `${o.name} on ${units} units: ${parts.length > 0 ? parts.join('; ') : 'no estimate'}`;
  return notes.length > 0 ? `${head} (${notes.join('; ')})` : head;
}
