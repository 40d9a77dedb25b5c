// `tenure experiment stats|srm|adjust`: the statistics of retention experiments on plain inputs.
//   stats --input FILE.json   one metric's sufficient statistics per arm → effects, intervals, p-values or
//                             chance to win and risk (src/experiments/stats/input.ts says the file's shape)
//   srm --counts 1000,1200 --weights 0.5,0.5   sample-ratio mismatch (';' between periods of other weights)
//   adjust --p 0.01,0.04 --method holm|bh      adjusted p-values in the order given
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { badInput } from '../../errors/tenure-error.ts';
import { analyzeMetric, type MetricStats } from '../../experiments/stats/analyze.ts';
import { parseMetricStats } from '../../experiments/stats/input.ts';
import { type Adjustment, adjustPValues } from '../../experiments/stats/multiple-testing.ts';
import { sampleRatioMismatch } from '../../experiments/stats/srm.ts';
import { formatTable, printJson } from '../output.ts';
import { registerExperimentAnalyze } from './experiment-analyze.ts';
import { registerExperimentRegistry } from './experiment-registry.ts';
import { show } from './model.ts';
import { requireFile } from './model-rfm.ts';
import { parseNumber } from './options.ts';

const STATS_HELP = `
FILE holds one metric's sufficient statistics, the control first:
  {"metric": "mean" | "proportion" | "ratio", "cuped": false, "difference": "relative" | "absolute",
   "alpha": 0.05, "method": "frequentist" | "sequential" | "bayesian", "sequential_tuning": 5000,
   "prior": {"mean": 0, "variance": null}, "higher_is_better": true,
   "arms": [{"name": "control", "n": 1000, "sum": 410, "sum_squares": 410}, {"name": "treatment", ...}]}
An arm of a mean or proportion: n, sum, sum_squares (a proportion's sum counts the units with 1).
A ratio arm: n, numerator {sum, sum_squares}, denominator {sum, sum_squares}, sum_of_products.
With "cuped": true, a mean or proportion arm: n, post {sum, sum_squares}, pre {sum, sum_squares},
post_pre_sum_of_products; a ratio arm: n, num_post, den_post, num_pre, den_pre (each {sum, sum_squares})
and sum_of_products {"num_post*den_post", "num_post*num_pre", "num_post*den_pre", "den_post*num_pre",
"den_post*den_pre", "num_pre*den_pre"}.`;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw badInput(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badInput(
      `${file} is not JSON: ${(err as Error).message}`,
      { file },
      'give the statistics as one JSON object',
    );
  }
}

/** "1,2,3" → numbers, each checked and named in the message. */
export function parseList(
  text: string,
  option: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
) {
  const items = text.split(',').map((s) => s.trim());
  return items.map((item, i) => parseNumber(item, `${option} (item ${i + 1})`, range));
}

const interval = (ci: [number, number] | null | undefined) => (ci ? `${show(ci[0])} to ${show(ci[1])}` : '');

function printStats(s: MetricStats): void {
  const cuped = s.cuped ? `, CUPED θ = ${show(s.theta)}` : '';
  process.stdout.write(`${s.metric}, ${s.difference} difference, ${s.method} (α = ${s.alpha})${cuped}\n\n`);
  const armHeads = s.cuped ? ['arm', 'n', 'value', 'adjusted', 'pre-period'] : ['arm', 'n', 'value'];
  const armRows = s.arms.map((a) => {
    const row: (string | number | null)[] = [a.name, a.n, a.value === null ? null : show(a.value)];
    if (s.cuped) row.push(show(a.adjustedValue), show(a.preValue));
    return row;
  });
  process.stdout.write(`${formatTable(armHeads, armRows)}\n\n`);
  const level = `${Math.round((1 - s.alpha) * 1000) / 10}%`;
  const bayes = s.method === 'bayesian';
  const heads = ['arm', 'effect', 'se', `${level} ${bayes ? 'credible' : 'interval'}`];
  heads.push(...(bayes ? ['chance to win', 'risk (control, arm)'] : ['p-value']));
  const rows = s.comparisons.map((c) => {
    const row = [`${c.arm} vs ${c.baseline}`, show(c.effect), show(c.se), interval(c.ci)];
    if (bayes) row.push(show(c.chanceToWin), c.risk ? `${show(c.risk[0])}, ${show(c.risk[1])}` : '');
    else row.push(c.pValue === null || c.pValue === undefined ? '' : c.pValue.toPrecision(3));
    return row;
  });
  process.stdout.write(`${formatTable(heads, rows)}\n`);
  for (const c of s.comparisons) {
    if (c.cuped) {
      const b = c.cuped.balance;
      process.stdout.write(
        `\n${c.arm}: CUPED removed ${(100 * c.cuped.varianceReduction).toFixed(1)}% of the variance` +
          (b ? `; pre-period difference ${show(b.difference)} (p = ${b.pValue.toPrecision(3)})` : ''),
      );
    }
    for (const m of c.messages) process.stdout.write(`\n${c.arm}: ${m}`);
  }
  if (s.comparisons.some((c) => c.cuped || c.messages.length > 0)) process.stdout.write('\n');
}

function registerStats(experiment: Command): void {
  experiment
    .command('stats')
    .description("one metric's effects from each arm's sufficient statistics (Welch, sequential or Bayesian)")
    .option('--input <file>', "JSON with the metric's settings and each arm's sums (see below)")
    .option('--json', 'print the analysis as JSON')
    .addHelpText('after', STATS_HELP)
    .action((flags: { input?: string; json?: boolean }) => {
      const file = requireFile(flags.input, '--input');
      const stats = analyzeMetric(parseMetricStats(readJson(file), file));
      if (flags.json) printJson(stats);
      else printStats(stats);
    });
}

function registerSrm(experiment: Command): void {
  experiment
    .command('srm')
    .description(
      "sample-ratio mismatch: the arms' counts against the planned weights (χ², warn at p < 0.001)",
    )
    .requiredOption(
      '--counts <n,n,…>',
      "units per arm; periods with other weights after ';' (500,500;300,700)",
    )
    .requiredOption('--weights <w,w,…>', "planned weights per arm, one set per period after ';'")
    .option('--json', 'print the test as JSON')
    .action((flags: { counts: string; weights: string; json?: boolean }) => {
      const counts = flags.counts.split(';');
      const weights = flags.weights.split(';');
      if (counts.length !== weights.length) {
        throw badInput(`${counts.length} periods of counts but ${weights.length} of weights`, {
          field: '--weights',
        });
      }
      const result = sampleRatioMismatch(
        counts.map((c, i) => ({
          counts: parseList(c, '--counts', { min: 0, integer: true }),
          weights: parseList(weights[i] as string, '--weights', { min: 0 }),
        })),
      );
      if (flags.json) return printJson(result);
      process.stdout.write(
        `${formatTable(
          ['arm', 'observed', 'expected'],
          result.observed.map((o, i) => [i + 1, o, Math.round((result.expected[i] as number) * 10) / 10]),
        )}\n\nchi-square ${show(result.chiSquare)} on ${result.df} df, p = ${result.pValue.toPrecision(3)}\n`,
      );
      for (const m of result.messages) process.stdout.write(`${m}\n`);
    });
}

function registerAdjust(experiment: Command): void {
  experiment
    .command('adjust')
    .description('adjusted p-values for several comparisons: Holm (family-wise) or Benjamini–Hochberg (FDR)')
    .requiredOption('--p <p,p,…>', 'the p-values, in any order')
    .option('--method <method>', 'holm or bh', 'holm')
    .option('--json', 'print them as JSON')
    .action((flags: { p: string; method: string; json?: boolean }) => {
      if (flags.method !== 'holm' && flags.method !== 'bh') {
        throw badInput(`--method must be holm or bh, not '${flags.method}'`, { field: '--method' });
      }
      const pValues = parseList(flags.p, '--p', { min: 0, max: 1 });
      const adjusted = adjustPValues(pValues, flags.method as Adjustment);
      if (flags.json) return printJson({ method: flags.method, pValues, adjustedPValues: adjusted });
      process.stdout.write(
        `${formatTable(
          ['p-value', 'adjusted'],
          pValues.map((p, i) => [p, Number((adjusted[i] as number).toPrecision(6))]),
        )}\n`,
      );
    });
}

export function registerExperiment(program: Command): void {
  const experiment = program
    .command('experiment')
    .description('statistics of retention experiments on plain inputs: effects, SRM, multiple comparisons');
  registerStats(experiment);
  registerSrm(experiment);
  registerAdjust(experiment);
  registerExperimentRegistry(experiment);
  registerExperimentAnalyze(experiment);
}
