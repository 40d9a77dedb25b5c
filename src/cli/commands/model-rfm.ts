// `tenure model bgnbd --rfm FILE [--horizon H] [--json]` and
// `tenure model gammagamma --rfm FILE [--months M --discount D --periods-per-month W] [--json]`.
// FILE: customer_id, frequency, recency, T, monetary_value (one row per customer, as in the CDNOW sample).
import type { Command } from 'commander';
import { badInput } from '../../errors/tenure-error.ts';
import {
  bgnbdExpectedPurchases,
  bgnbdExpectedPurchasesNew,
  bgnbdProbabilityAlive,
  fitBgnbd,
} from '../../models/bgnbd.ts';
import { type ClvHorizon, checkHorizon, customerLifetimeValue } from '../../models/clv.ts';
import { fitGammaGamma, gammaGammaExpectedSpend, gammaGammaMeanSpend } from '../../models/gamma-gamma.ts';
import { formatTable, printJson } from '../output.ts';
import { parameterRows, show } from './model.ts';
import { numberCell, readCsv, requireColumn, withRowLocations } from './model-csv.ts';
import { parseNumber } from './options.ts';

interface RfmCustomer {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
  line: number;
}

/** Reads an RFM file; `monetary` says whether monetary_value is required. */
export function readRfm(file: string, monetary: boolean): RfmCustomer[] {
  const table = readCsv(file);
  const id = requireColumn(table, 'customer_id', 'the customer');
  const frequency = requireColumn(table, 'frequency', 'repeat purchases x');
  const recency = requireColumn(table, 'recency', 'time of the last purchase t_x');
  const age = requireColumn(table, 'T', 'time since the first purchase');
  const money = monetary
    ? requireColumn(table, 'monetary_value', 'average value of the repeat purchases')
    : -1;
  return table.records.map((record) => ({
    customerId: record.cells[id] ?? '',
    frequency: numberCell(table, record, frequency, { integer: true, min: 0 }),
    recency: numberCell(table, record, recency, { min: 0 }),
    T: numberCell(table, record, age, { above: 0 }),
    monetaryValue: money < 0 ? 0 : numberCell(table, record, money, { min: 0 }),
    line: record.line,
  }));
}

function fitBgnbdOn(file: string, customers: readonly RfmCustomer[]) {
  return withRowLocations(
    file,
    customers.map((c) => c.line),
    () => fitBgnbd(customers),
  );
}

interface BgnbdFlags {
  rfm?: string;
  horizon?: string;
  json?: boolean;
}

export function registerModelRfm(model: Command): void {
  model
    .command('bgnbd')
    .description('Fit the BG/NBD repeat-buying model to per-customer frequency, recency and age')
    .option('--rfm <file>', 'CSV with customer_id, frequency, recency, T (and monetary_value)')
    .option('--horizon <t>', "project purchases over the next t time units (default: the data's longest T)")
    .option('--json', 'print the fit and per-customer projections as JSON')
    .action((flags: BgnbdFlags) => {
      const file = requireFile(flags.rfm);
      const customers = readRfm(file, false);
      const fit = fitBgnbdOn(file, customers);
      const horizon =
        flags.horizon === undefined
          ? Math.max(...customers.map((c) => c.T))
          : parseNumber(flags.horizon, '--horizon', { min: 1e-9 });
      const perCustomer = customers.map((c) => ({
        customer_id: c.customerId,
        probabilityAlive: bgnbdProbabilityAlive(fit.params, c.frequency, c.recency, c.T),
        expectedPurchases: bgnbdExpectedPurchases(fit.params, horizon, c.frequency, c.recency, c.T),
      }));
      const total = perCustomer.reduce((s, c) => s + c.expectedPurchases, 0);
      const newCustomer = bgnbdExpectedPurchasesNew(fit.params, horizon);
      if (flags.json) {
        printJson({
          model: 'bgnbd',
          params: fit.params,
          standardErrors: fit.standardErrors,
          logLikelihood: fit.logLikelihood,
          converged: fit.converged,
          customers: fit.customers,
          distinctRows: fit.distinctRows,
          horizon,
          expectedPurchasesNewCustomer: newCustomer,
          expectedPurchasesTotal: total,
          perCustomer,
        });
        return;
      }
      const top = [...perCustomer].sort((a, b) => b.expectedPurchases - a.expectedPurchases).slice(0, 10);
      process.stdout.write(
        `${[
          `BG/NBD fit on ${fit.customers} customers (${fit.distinctRows} distinct rows): log-likelihood ${show(fit.logLikelihood)}${fit.converged ? '' : ' (did not converge)'}`,
          formatTable(
            ['parameter', 'estimate', 'std. error'],
            parameterRows({ ...fit.params }, { ...fit.standardErrors }),
          ),
          `over the next ${show(horizon)} time units: ${show(total)} purchases expected from these customers; a new customer makes ${show(newCustomer)}`,
          formatTable(
            ['customer_id', 'P(alive)', 'expected purchases'],
            top.map((c) => [c.customer_id, show(c.probabilityAlive), show(c.expectedPurchases)]),
          ),
        ].join('\n\n')}\n`,
      );
    });

  model
    .command('gammagamma')
    .description(
      'Fit the Gamma-Gamma spend model to repeat buyers; with --months, discounted CLV per customer',
    )
    .option('--rfm <file>', 'CSV with customer_id, frequency, recency, T, monetary_value')
    .option('--months <m>', 'value each customer over the next m months (fits BG/NBD too)')
    .option('--discount <d>', 'discount rate a month for CLV', '0.01')
    .option('--periods-per-month <w>', "the data's time units in a month (4.345 for weeks)", '4.345')
    .option('--json', 'print the fit and per-customer expectations as JSON')
    .action(
      (flags: {
        rfm?: string;
        months?: string;
        discount: string;
        periodsPerMonth: string;
        json?: boolean;
      }) => {
        const file = requireFile(flags.rfm);
        const customers = readRfm(file, true);
        const buyers = customers.filter((c) => c.frequency > 0);
        const fit = withRowLocations(
          file,
          buyers.map((c) => c.line),
          () => fitGammaGamma(buyers),
        );
        const meanSpend = gammaGammaMeanSpend(fit.params);
        let horizon: ClvHorizon | undefined;
        if (flags.months !== undefined) {
          horizon = {
            months: parseNumber(flags.months, '--months', { integer: true, min: 1, max: 1200 }),
            monthlyDiscount: parseNumber(flags.discount, '--discount', { min: 0, max: 10 }),
            periodsPerMonth: parseNumber(flags.periodsPerMonth, '--periods-per-month', { min: 1e-9 }),
          };
          checkHorizon(horizon);
        }
        const bgnbd = horizon && !fit.qAtMostOne ? fitBgnbdOn(file, customers) : undefined;
        const perCustomer = customers.map((c) => {
          const spend = gammaGammaExpectedSpend(fit.params, c.frequency, c.monetaryValue);
          const clv =
            bgnbd && horizon && spend !== null
              ? customerLifetimeValue(bgnbd.params, spend, c.frequency, c.recency, c.T, horizon)
              : null;
          return { customer_id: c.customerId, expectedSpend: spend, ...(horizon ? { clv } : {}) };
        });
        const flagsOut = fit.qAtMostOne ? ['q_at_most_one'] : [];
        if (!fit.converged) flagsOut.push('not_converged');
        if (flags.json) {
          printJson({
            model: 'gammagamma',
            params: fit.params,
            standardErrors: fit.standardErrors,
            logLikelihood: fit.logLikelihood,
            converged: fit.converged,
            customers: fit.customers,
            flags: flagsOut,
            meanSpend,
            ...(horizon
              ? {
                  clv: {
                    ...horizon,
                    bgnbd: bgnbd ? { params: bgnbd.params, logLikelihood: bgnbd.logLikelihood } : null,
                  },
                }
              : {}),
            perCustomer,
          });
          return;
        }
        const out = [
          `Gamma-Gamma fit on ${fit.customers} repeat buyers: log-likelihood ${show(fit.logLikelihood)}${fit.converged ? '' : ' (did not converge)'}`,
          formatTable(
            ['parameter', 'estimate', 'std. error'],
            parameterRows({ ...fit.params }, { ...fit.standardErrors }),
          ),
          fit.qAtMostOne
            ? 'warning: q ≤ 1, so the model implies an infinite mean spend: new customers get no expected spend and CLV is left out'
            : `mean spend per transaction: ${show(meanSpend)}`,
        ];
        if (horizon && bgnbd) {
          const total = perCustomer.reduce((s, c) => s + (c.clv ?? 0), 0);
          const top = [...perCustomer].sort((a, b) => (b.clv ?? 0) - (a.clv ?? 0)).slice(0, 10);
          out.push(
            `discounted CLV over ${horizon.months} months at ${horizon.monthlyDiscount} a month: ${show(total)} in all`,
            formatTable(
              ['customer_id', 'expected spend', 'CLV'],
              top.map((c) => [c.customer_id, show(c.expectedSpend), show(c.clv)]),
            ),
          );
        }
        process.stdout.write(`${out.join('\n\n')}\n`);
      },
    );
}

export function requireFile(file: string | undefined, option = '--rfm'): string {
  if (file === undefined) {
    throw badInput(`${option} FILE is required`, { field: option }, `pass ${option} path/to/file.csv`);
  }
  return file;
}
