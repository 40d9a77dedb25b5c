// The views over the API take the project's definitions (issue 15, item 8): a project that names its own
// milestone, active event and funnel steps gets them in /api/views/activation-cohorts, /funnel and
// /lifecycle, as the KPIs sharing their SQL do — on DuckDB and PostgreSQL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProjectFile } from '../../src/catalog/project-file.ts';
import { startServer } from '../../src/server/serve.ts';
import { get } from '../support/api-servers.ts';
import { withSmallWarehouse } from '../support/small-warehouse.ts';

// A signs up Jan 1, makes a widget (the project's milestone) on Jan 1 and opens the app (the project's
// active event) on Jan 2 — day 1 after activation — and again on Feb 20 (the data's end).
// B signs up Jan 2, makes a widget on Jan 2 and logs in on Jan 3 (active under the default "any event",
// not under the project's opened_app).
// Funnel visit → trial within 3 days: A visits Jan 5 and starts a trial Jan 6; B visits Jan 6 only.
// None of the catalog's default milestones or funnel steps appears in the data.
const DATA = {
  customers: `customer_id,signed_up_at
    A,2024-01-01T10:00:00Z
    B,2024-01-02T10:00:00Z`,
  events: `event_id,customer_id,occurred_at,name
    a1,A,2024-01-01T12:00:00Z,made_widget
    a2,A,2024-01-02T09:00:00Z,opened_app
    a3,A,2024-01-05T09:00:00Z,visit
    a4,A,2024-01-06T09:00:00Z,trial
    a5,A,2024-02-20T09:00:00Z,opened_app
    b1,B,2024-01-02T12:00:00Z,made_widget
    b2,B,2024-01-03T09:00:00Z,login
    b3,B,2024-01-06T10:00:00Z,visit`,
};

const PROJECT = `
kpis:
  activation_cohort_retention:
    params: { activation_milestones: [made_widget], active_events: [opened_app], n_days: [1], mode: on_day }
  drop_off_rate:
    params: { steps: [visit, trial], window_days: 3 }
  stickiness_ratio:
    params: { active_events: [opened_app] }
`;

const RANGE = 'from=2024-01-01&to=2024-02-29&grain=month';

test('a project’s milestone, active events and funnel steps reach every view that shares a KPI’s SQL', async () => {
  const catalog = parseProjectFile(PROJECT, 'tenure.yaml');
  const views = await withSmallWarehouse(DATA, async (engine) => {
    const server = await startServer({ engine, catalog, host: '127.0.0.1', port: 0 });
    try {
      const view = async (name: string) => {
        const res = await get(server.url, `/api/views/${name}?${RANGE}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.rows;
      };
      return {
        activation: await view('activation-cohorts'),
        funnel: await view('funnel'),
        lifecycle: await view('lifecycle'),
      };
    } finally {
      await server.app.close();
    }
  });

  // Activation cohorts: January's cohort is A and B (both made a widget); on day 1 only A opened the app
  // (B's login is not an active event here): 1/2. February has no activations.
  const activation = views.activation as {
    cohorts: { cohort_start: string; size: number; cells: { n: number; returned: number; rate: number }[] }[];
  };
  assert.deepEqual(
    activation.cohorts.map((c) => [
      c.cohort_start.slice(0, 7),
      c.size,
      c.cells.map((x) => [x.n, x.returned, x.rate]),
    ]),
    [['2024-01', 2, [[1, 1, 1 / 2]]]],
  );

  // Funnel: January starts A and B at visit; A reached trial 1 day later (within 3), B never: 2 → 1.
  const funnel = views.funnel as {
    period_start: string;
    started: number;
    steps: { name: string; reached: number }[];
  }[];
  const january = funnel.find((r) => r.period_start.startsWith('2024-01'));
  assert.deepEqual(
    [january?.started, january?.steps.map((s) => [s.name, s.reached])],
    [
      2,
      [
        ['visit', 2],
        ['trial', 1],
      ],
    ],
  );

  // Lifecycle on opened_app only: January A is new (B never opened the app); February A is returning.
  const lifecycle = views.lifecycle as {
    period_start: string;
    new: number;
    returning: number;
    dormant: number;
  }[];
  assert.deepEqual(
    lifecycle.map((r) => [r.period_start.slice(0, 7), r.new, r.returning, r.dormant]),
    [
      ['2024-01', 1, 0, 0],
      ['2024-02', 0, 1, 0],
    ],
  );
});
