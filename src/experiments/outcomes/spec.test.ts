// `kind:days` outcomes as `--outcome` and the API's `outcome=` write them: the parse, and the one refusal both
// give for an argument that is not an outcome.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TenureError } from '../../errors/tenure-error.ts';
import { parseOutcomeArgs } from './spec.ts';

test('kind:days, with τ for time to churn and event names for events per unit', () => {
  const [churn, survival, events] = parseOutcomeArgs(
    ['churned_within:90', 'time_to_churn:365:180', 'events_per_unit:30:login+export'],
    '--outcome',
  );
  assert.deepEqual([churn?.kind, churn?.days], ['churned_within', 90]);
  assert.deepEqual(survival?.kind === 'time_to_churn' ? survival.horizon_days : null, 180);
  assert.deepEqual(events?.kind === 'events_per_unit' ? events.events : null, ['login', 'export']);
});

test('an argument that is not an outcome is a bad_input naming the field, the argument and the kinds', () => {
  for (const arg of ['happiness_day:30', 'churned_within', 'churned_within:90:oops', 'churned_within:-1']) {
    assert.throws(
      () => parseOutcomeArgs(['retained_day:30', arg], 'querystring.outcome'),
      (err: unknown) =>
        err instanceof TenureError &&
        err.code === 'bad_input' &&
        err.where.field === 'querystring.outcome' &&
        err.message === `outcome '${arg}' is not an outcome this analysis knows` &&
        /kinds: retained_day, paying_day, churned_within/.test(err.hint ?? ''),
      arg,
    );
  }
});
