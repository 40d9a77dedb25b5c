// `tenure experiment analyze EXPERIMENT_ID (--db FILE|URL | --data DIR) [--as-of T] [--outcome kind:days …]
//  [--project FILE] [--json]`: one experiment analysed on the warehouse (src/experiments/analysis.ts) — the
// arms and the sample-ratio check, then each outcome of the plan (or those given) with its effect, interval
// and p-value, CUPED's health, the units left out because their window is still open, and for time to
// churn the Kaplan–Meier curves, the log-rank test and the RMST difference.
import type { Command } from 'commander';
import {
  analyzeExperiment,
  type ExperimentAnalysis,
  type OutcomeResult,
} from '../../experiments/analysis.ts';
import { OUTCOME_KINDS, parseOutcomeArgs } from '../../experiments/outcomes/spec.ts';
import { formatTable, printJson } from '../output.ts';
import { resolveCatalog } from './catalog.ts';
import { withEngine } from './compute.ts';
import { show } from './model.ts';
import { resolveAsOf, type WarehouseFlags, warehouseOptions } from './survival.ts';

interface AnalyzeFlags extends WarehouseFlags {
  outcome: string[];
  project?: string;
}

const OUTCOME_HELP = `
An outcome is kind:days, measured per customer from its assignment:
  ${OUTCOME_KINDS.join(', ')}
  e.g. churned_within:90, retained_day:30, revenue_after:90, time_to_churn:365 (or time_to_churn:365:180
  for RMST to day 180), events_per_unit:30:create_report+export_data (only those events).
Without --outcome, the plan's outcomes (the experiments row's pre_registration, else its primary_kpi).
Units whose window has not closed by --as-of are left out, and the result says how many.`;

const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '' : `${(100 * v).toFixed(1)}%`;
const pValue = (p: number | null | undefined) => (p === null || p === undefined ? '' : p.toPrecision(3));
const range = (ci: [number, number] | null | undefined, f: (v: number) => string = show) =>
  ci ? `${f(ci[0])} to ${f(ci[1])}` : '';

function formatOutcome(o: OutcomeResult, out: string[]): void {
  const better = o.direction === 'increase' ? 'higher is better' : 'lower is better';
  out.push('', `${o.role} ${o.name}${o.kpi ? ` (KPI ${o.kpi})` : ''}: ${o.metric}, ${better}`);
  if (o.stats) {
    const s = o.stats;
    const value = s.metric === 'proportion' ? pct : show;
    out.push(
      formatTable(
        s.cuped
          ? ['arm', 'units', 'left out', 'value', 'adjusted', 'pre-period']
          : ['arm', 'units', 'left out', 'value'],
        s.arms.map((a, i) => {
          const row: (string | number)[] = [a.name, a.n, o.maturity.arms[i]?.excluded ?? 0, value(a.value)];
          if (s.cuped) row.push(value(a.adjustedValue), value(a.preValue));
          return row;
        }),
      ),
    );
    const effect = s.difference === 'relative' ? pct : show;
    const level = `${Math.round((1 - s.alpha) * 1000) / 10}%`;
    out.push(
      formatTable(
        [
          'comparison',
          `effect (${s.difference})`,
          `${level} ${s.method === 'sequential' ? 'sequence' : 'interval'}`,
          'p-value',
          'adjusted',
        ],
        s.comparisons.map((c) => [
          `${c.arm} vs ${c.baseline}`,
          effect(c.effect),
          range(c.ci, effect),
          pValue(c.pValue),
          pValue(o.adjusted.find((a) => a.arm === c.arm)?.adjustedPValue),
        ]),
      ),
    );
    for (const c of s.comparisons) {
      if (!c.cuped) continue;
      const b = c.cuped.balance;
      out.push(
        `CUPED (θ = ${show(s.theta)}): ${(100 * c.cuped.varianceReduction).toFixed(1)}% of the variance removed` +
          (b ? `; pre-period balance p = ${b.pValue.toPrecision(3)}` : ''),
      );
    }
  }
  if (o.survival) {
    const sv = o.survival;
    out.push(
      formatTable(
        [
          'arm',
          'units',
          'churned',
          'median days',
          sv.tau === null ? 'RMST' : `RMST to day ${sv.tau}`,
          'interval',
        ],
        sv.arms.map((a) => [a.name, a.n, a.events, a.median ?? '', show(a.rmst?.rmst), range(a.rmst?.ci)]),
      ),
    );
    for (const d of sv.rmst) {
      out.push(
        `RMST difference ${d.arm} − ${d.baseline}: ${show(d.difference)} days (${range(d.ci)}), p = ${pValue(d.pValue)}`,
      );
    }
    if (sv.logRank)
      out.push(
        `log-rank: χ² ${show(sv.logRank.chiSquare)} on ${sv.logRank.df} df, p = ${pValue(sv.logRank.pValue)}`,
      );
  }
  if (o.guardrail)
    out.push(`guardrail (must not ${o.guardrail.mustNot}): ${o.guardrail.status} — ${o.guardrail.message}`);
  for (const m of o.messages) out.push(`! ${m}`);
}

export function formatAnalysis(a: ExperimentAnalysis): string {
  const e = a.experiment;
  const out = [`Experiment ${a.experimentId}${e?.name ? ` — ${e.name}` : ''}, as of ${a.asOf}`];
  if (e?.hypothesis) out.push(`Hypothesis: ${e.hypothesis}`);
  const method =
    a.plan.method === 'sequential' ? `sequential (N* = ${a.plan.sequentialTuning})` : 'fixed horizon';
  const correction =
    a.plan.correction === 'none'
      ? 'no multiple-testing correction'
      : `${a.plan.correction === 'holm' ? 'Holm' : 'Benjamini–Hochberg'} ${a.plan.scope === 'within_metric' ? 'within each outcome' : 'across outcomes'}`;
  out.push(`Plan: ${method}, α = ${a.plan.alpha}, ${correction}`);
  for (const n of a.plan.notes) out.push(`  (${n})`);
  out.push(
    '',
    formatTable(
      ['arm', 'planned', 'assigned', 'share'],
      a.arms.map((arm) => [arm.name, pct(arm.plannedShare), arm.assigned, pct(arm.share)]),
    ),
  );
  if (a.srm)
    out.push(
      `Sample ratio: χ² ${show(a.srm.chiSquare)} on ${a.srm.df} df, p = ${pValue(a.srm.pValue)}${a.srm.mismatch ? ' — MISMATCH' : ''}`,
    );
  for (const m of a.messages) out.push(`! ${m}`);
  for (const o of a.outcomes) formatOutcome(o, out);
  return out.join('\n');
}

export function registerExperimentAnalyze(experiment: Command): void {
  warehouseOptions(
    experiment
      .command('analyze')
      .description(
        "one experiment on the warehouse: arms, SRM, each outcome's effect since exposure (mature units), survival",
      )
      .argument('<experiment_id>', 'the experiment, as the experiments and assignments tables name it')
      .option(
        '--outcome <kind:days>',
        'an outcome to analyse instead of the plan’s (repeatable; the first is the primary)',
        (v: string, list: string[]) => [...list, v],
        [] as string[],
      )
      .option('--project <file>', 'project file with overrides (default ./tenure.yaml when present)')
      .addHelpText('after', OUTCOME_HELP),
  ).action(async (experimentId: string, opts: AnalyzeFlags) => {
    const outcomes = parseOutcomeArgs(opts.outcome, '--outcome');
    const catalog = (await resolveCatalog(opts.project)).definitions;
    const analysis = await withEngine(opts, async (engine) =>
      analyzeExperiment(engine, {
        experimentId,
        outcomes,
        asOf: await resolveAsOf(engine, opts.asOf),
        catalog,
      }),
    );
    if (opts.json) printJson(analysis);
    else process.stdout.write(`${formatAnalysis(analysis)}\n`);
  });
}
