// `tenure model km --durations FILE [--horizon T] [--level 0.95] [--json]`
// FILE: duration, event (1 churned, 0 censored) and an optional group column → Kaplan–Meier per group with
// Greenwood intervals, the median and RMST to the horizon τ with its standard error and interval, the
// log-rank test when there are two groups or more, and for two groups the RMST difference (second − first)
// with its interval and p-value, and their ratio (src/experiments/stats/survival.ts, as survRM2's rmst2).
import type { Command } from 'commander';
import { badInput } from '../../errors/tenure-error.ts';
import { rmstDifference, rmstEstimate } from '../../experiments/stats/survival.ts';
import {
  type IntervalScale,
  type KaplanMeier,
  kaplanMeier,
  type Observation,
} from '../../models/kaplan-meier.ts';
import { logRankTest } from '../../models/log-rank.ts';
import { formatTable, printJson } from '../output.ts';
import { show } from './model.ts';
import { numberCell, readCsv, requireColumn } from './model-csv.ts';
import { requireFile } from './model-rfm.ts';
import { parseNumber } from './options.ts';

interface KmFlags {
  durations?: string;
  horizon?: string;
  level: string;
  scale: string;
  json?: boolean;
}

const SCALES = ['log-log', 'log', 'plain'];

/** Reads durations into groups (one group named 'all' when there is no group column). */
export function readDurations(file: string): Map<string, Observation[]> {
  const table = readCsv(file);
  const duration = requireColumn(table, 'duration', 'time until churn or censoring');
  const event = requireColumn(table, 'event', '1 churned, 0 censored');
  const group = table.columns.indexOf('group');
  const groups = new Map<string, Observation[]>();
  for (const record of table.records) {
    const d = numberCell(table, record, duration, { min: 0 });
    const e = numberCell(table, record, event, { integer: true, min: 0 });
    if (e > 1) {
      throw badInput(
        `event must be 0 or 1, not ${e}`,
        { file, line: record.line, column: 'event' },
        'write 1 for churned, 0 for still there',
      );
    }
    const name = group < 0 ? 'all' : (record.cells[group] ?? '');
    const list = groups.get(name) ?? [];
    list.push({ duration: d, event: e === 1 });
    groups.set(name, list);
  }
  if (groups.size === 0)
    throw badInput('no durations in the file', { file }, 'give one row per customer under the header');
  const events = [...groups.values()].flat().filter((o) => o.event).length;
  if (events === 0) {
    throw badInput(
      'no events: every duration is censored, so there is no survival curve to estimate',
      { file, column: 'event' },
      'mark churned customers with event 1',
    );
  }
  return groups;
}

export function registerModelKm(model: Command): void {
  model
    .command('km')
    .description('Kaplan–Meier survival per group with Greenwood intervals, RMST, and the log-rank test')
    .option('--durations <file>', 'CSV with duration, event (1 churned, 0 censored) and an optional group')
    .option('--horizon <t>', "RMST up to t (default: the shortest group's longest duration)")
    .option('--level <p>', 'confidence level of the intervals', '0.95')
    .option('--scale <scale>', `interval scale: ${SCALES.join(', ')}`, 'log-log')
    .option('--json', 'print the curves and the test as JSON')
    .action((flags: KmFlags) => {
      const file = requireFile(flags.durations, '--durations');
      if (!SCALES.includes(flags.scale)) {
        throw badInput(`--scale must be one of ${SCALES.join(', ')}, not '${flags.scale}'`, {
          field: '--scale',
        });
      }
      const level = parseNumber(flags.level, '--level', { min: 0.5, max: 0.9999 });
      const groups = readDurations(file);
      const horizon =
        flags.horizon === undefined
          ? Math.min(...[...groups.values()].map((obs) => Math.max(...obs.map((o) => o.duration))))
          : parseNumber(flags.horizon, '--horizon', { min: 1e-9 });
      const fits: KaplanMeier[] = [];
      const curves = [...groups.entries()].map(([group, obs]) => {
        const km = kaplanMeier(obs, { level, scale: flags.scale as IntervalScale });
        fits.push(km);
        const rmst = horizon > 0 ? rmstEstimate(km, horizon, 1 - level) : null;
        return { group, n: km.n, events: km.events, median: km.median, rmst, steps: km.steps };
      });
      const logRank = groups.size >= 2 ? logRankTest(groups) : null;
      const names = [...groups.keys()];
      const difference =
        fits.length === 2 && horizon > 0
          ? rmstDifference(fits[0] as KaplanMeier, fits[1] as KaplanMeier, horizon, 1 - level, [
              names[0] as string,
              names[1] as string,
            ])
          : null;
      if (flags.json) {
        printJson({
          model: 'km',
          level,
          scale: flags.scale,
          horizon,
          groups: curves,
          logRank,
          rmstDifference: difference,
        });
        return;
      }
      const out = [
        formatTable(
          ['group', 'n', 'events', 'median', `RMST to ${show(horizon)}`, 'RMST s.e.', 'RMST interval'],
          curves.map((c) => [
            c.group,
            c.n,
            c.events,
            c.median,
            show(c.rmst?.rmst),
            show(c.rmst?.standardError),
            c.rmst ? `${show(c.rmst.ci[0])} to ${show(c.rmst.ci[1])}` : '',
          ]),
        ),
      ];
      for (const c of curves) {
        out.push(
          `${c.group}:\n${formatTable(
            ['time', 'at risk', 'events', 'censored', 'survival', 'std. error', 'lower', 'upper'],
            c.steps
              .filter((s) => s.events > 0)
              .map((s) => [
                s.time,
                s.atRisk,
                s.events,
                s.censored,
                show(s.survival),
                show(s.standardError),
                show(s.lower),
                show(s.upper),
              ]),
          )}`,
        );
      }
      if (logRank) {
        out.push(
          `log-rank test: chi-square ${show(logRank.chiSquare)} on ${logRank.df} df, p = ${logRank.pValue.toPrecision(3)}`,
          formatTable(
            ['group', 'n', 'observed', 'expected'],
            logRank.groups.map((g) => [g.group, g.n, g.observed, show(g.expected)]),
          ),
        );
      }
      if (difference) {
        const d = difference;
        out.push(
          `RMST difference ${d.arm} − ${d.baseline} to ${show(horizon)}: ${show(d.difference)} (s.e. ${show(d.se)}, ` +
            `${show(d.ci[0])} to ${show(d.ci[1])}), p = ${d.pValue.toPrecision(3)}; ratio ${show(d.ratio)} ` +
            `(${show(d.ratioCi[0])} to ${show(d.ratioCi[1])}), p = ${d.ratioPValue.toPrecision(3)}`,
        );
      }
      process.stdout.write(`${out.join('\n\n')}\n`);
    });
}
