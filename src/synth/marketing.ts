// Company-wide tables, written once every customer is done: acquisition spend per channel and month (from
// the signups counted on the way), content pieces with their attributed revenue, and the experiment.
import type { Context } from './context.ts';
import { Rng, STREAM } from './random.ts';
import { DAY } from './time.ts';
import { CHANNELS, PARAMS } from './truth.ts';
import { csvField, money, type Writers } from './writer.ts';

const FORMATS = ['Guide', 'Webinar', 'Case study', 'Video', 'Checklist', 'Report'];
const TOPICS = [
  'Cohort retention, explained',
  'Net revenue retention for finance teams',
  'Onboarding that sticks',
  'Reading churn before it happens',
  'Pricing "experiments" that worked',
  'From activation to expansion',
  'Health scores without the guesswork',
  'Dashboards your CSMs will use',
];

function acquisitionSpend(ctx: Context, rng: Rng, w: Writers): void {
  const a = PARAMS.acquisition;
  const ms = ctx.monthStarts;
  CHANNELS.forEach((channel, c) => {
    for (let m = 0; m < ctx.months; m++) {
      const signups = ctx.signups[c * ctx.months + m] as number;
      const amount = signups * a.cost_per_signup[channel] * rng.lognormal(1, a.noise_sigma);
      const period = `${ctx.clock.date(ms[m] as number)},${ctx.clock.date(ms[m + 1] as number)}`;
      w.acquisition_spend.row(`${channel},${period},${money(amount)},USD\n`);
    }
  });
}

function content(ctx: Context, rng: Rng, w: Writers): void {
  const c = PARAMS.content;
  const ms = ctx.monthStarts;
  const perMonth = c.base_pieces_per_month + Math.floor(ctx.customers / c.extra_piece_per_customers);
  let n = 0;
  for (let m = 0; m < ctx.months; m++) {
    const from = ms[m] as number;
    const to = ms[m + 1] as number;
    for (let j = 0; j < perMonth; j++) {
      const id = `m${String(++n).padStart(5, '0')}`;
      const published = Math.floor(rng.uniform(from, to));
      const cost = rng.lognormal(c.mean_cost, c.cost_sigma);
      const title = csvField(`${rng.pick(FORMATS)}: ${rng.pick(TOPICS)}`);
      w.content.row(`${id},${title},${ctx.ts(published)},${money(cost)},USD\n`);
      const multiple = rng.lognormal(c.revenue_multiple_mean, c.revenue_multiple_sigma);
      for (let age = 0; m + age < ctx.months; age++) {
        const start = ms[m + age] as number;
        const share = age === 0 ? (to - published) / (to - from) : 1;
        const expected = cost * multiple * (1 - c.monthly_decay) * c.monthly_decay ** age * share;
        const amount = money(expected * rng.lognormal(1, 0.2));
        if (amount !== '0.00') w.content_revenue.row(`${id},${ctx.clock.date(start)},${amount},USD\n`);
      }
    }
  }
}

function experiment(ctx: Context, w: Writers): void {
  const e = PARAMS.experiment;
  const preRegistration = csvField(JSON.stringify(e.pre_registration));
  const registered = ctx.experimentStart - 7 * DAY;
  const ended = ctx.experimentEnded ? ctx.ts(ctx.experimentEnd) : '';
  w.experiments.row(
    `${e.experiment_id},${csvField(e.name)},${csvField(e.hypothesis)},${e.primary_kpi},${ctx.ts(registered)},${ctx.ts(ctx.experimentStart)},${ended},${preRegistration}\n`,
  );
}

export function writeCompanyTables(ctx: Context, w: Writers): void {
  acquisitionSpend(ctx, Rng.stream(ctx.seed, STREAM.company, 1), w);
  content(ctx, Rng.stream(ctx.seed, STREAM.company, 2), w);
  experiment(ctx, w);
}
