// Experiments: the registry (every experiment with its owner, status, late registration, amendments and
// decision) at /experiments, and one experiment at /experiments/ID, led by one sentence — what the treatment
// did to the primary outcome with its interval, the sample-ratio check, the customers still in their
// window — then each outcome's effect as a forest plot, guardrails, the revenue the effect is worth per
// year, retention and survival per arm by days since exposure, CUPED, the segments (exploratory), the arms,
// the plan with its amendments, and the decision and learning. `?as_of=` reads the results at another time.
import type { ChartConfiguration } from 'chart.js';
import { useMemo } from 'preact/hooks';
import { query } from '../api.ts';
import { ChartCanvas, PALETTE } from '../components/chart.tsx';
import { Empty, Show } from '../components/states.tsx';
import { useMoney } from '../currency.ts';
import { formatDelta, formatNumber, formatValue, NO_VALUE } from '../format.ts';
import { onLink } from '../router.ts';
import { useApi } from '../use-api.ts';
import {
  changeText,
  correctionText,
  cupedCells,
  decisionText,
  type Experiment,
  type ExperimentRow,
  guardrailCells,
  headline,
  headlineEffectText,
  headlineIntervalText,
  intervalText,
  levelText,
  listCells,
  maturityText,
  type Outcome,
  outcomeCells,
  outcomeLabel,
  outcomeUnit,
  planCells,
  primaryOf,
  pValueText,
  type Results,
  revenueText,
  segmentCells,
  srmText,
} from './experiment-data.ts';
import './experiments.css';

/** The page for /experiments and /experiments/ID. */
export function ExperimentsPage({ path, params }: { path: string; params: URLSearchParams }) {
  const id = decodeURIComponent(path.slice('/experiments/'.length));
  if (path === '/experiments' || path === '/experiments/' || id === '') return <Registry />;
  return <ExperimentPage id={id} asOf={params.get('as_of') ?? undefined} />;
}

/** A table of text cells; the columns in `words` hold words and are aligned left. */
function Table({
  testid,
  head,
  rows,
  words = [0],
  caption,
  note,
}: {
  testid: string;
  head: string[];
  rows: string[][];
  words?: number[];
  caption?: string;
  /** A column of sentences, kept wide enough to read. */
  note?: number;
}) {
  const align = (i: number) => (words.includes(i) ? { textAlign: 'left' as const } : undefined);
  // The caption above the table, not in it: a table scrolls sideways in its own box on a narrow screen.
  return (
    <>
      {caption ? <p class="table-caption">{caption}</p> : null}
      <table data-testid={testid}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} scope="col" style={align(i)}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, k) => (
            <tr key={`${r[0]}-${k}`}>
              {r.map((c, i) => (
                <td key={i} style={align(i)} class={i === note ? 'note' : undefined}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Registry() {
  const list = useApi<{ experiments: ExperimentRow[] }>('/api/experiments');
  return (
    <section class="experiments">
      <h1>Experiments</h1>
      <p class="lede">
        Every experiment in the registry or the experiments table: its plan is locked when registered, later
        changes are amendments with reasons, and failed and null results stay listed with their learning.
      </p>
      <Show
        loaded={list}
        what="the experiments"
        ready={({ experiments }) =>
          experiments.length === 0 ? (
            <Empty>
              No experiment yet: register a plan with <code>tenure experiment register --file plan.yaml</code>
              .
            </Empty>
          ) : (
            <table data-testid="experiments-list">
              <thead>
                <tr>
                  <th scope="col">experiment</th>
                  <th scope="col" class="words">
                    owner
                  </th>
                  <th scope="col" class="words">
                    status
                  </th>
                  <th scope="col" class="words">
                    registered after start
                  </th>
                  <th scope="col">amendments</th>
                  <th scope="col" class="words">
                    decision
                  </th>
                </tr>
              </thead>
              <tbody>
                {experiments.map((e) => {
                  const cells = listCells(e);
                  return (
                    <tr key={e.id}>
                      <td class="words">
                        <a href={`/experiments/${encodeURIComponent(e.id)}`} onClick={onLink}>
                          {cells[0]}
                        </a>
                      </td>
                      <td class="words">{cells[1]}</td>
                      <td class="words">
                        <span class={`exp-status ${e.status}`}>{cells[2]}</span>
                      </td>
                      <td class={e.registered_after_start ? 'words late' : 'words'}>{cells[3]}</td>
                      <td>{cells[4]}</td>
                      <td class="words">{cells[5]}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      />
    </section>
  );
}

function ExperimentPage({ id, asOf }: { id: string; asOf: string | undefined }) {
  const path = `/api/experiments/${encodeURIComponent(id)}`;
  const record = useApi<Experiment>(path);
  const results = useApi<Results>(`${path}/results${query({ as_of: asOf })}`);
  return (
    <section class="experiment">
      <p class="back">
        <a href="/experiments" onClick={onLink}>
          ← All experiments
        </a>
      </p>
      <Show
        loaded={record}
        what="the experiment"
        ready={(e) => (
          <>
            <h1>{e.name}</h1>
            <p class="lede">
              <span class={`exp-status ${e.status}`}>{e.status}</span> · owner {e.owner ?? 'not named'} ·{' '}
              {formatNumber(e.units)} customers assigned
              {e.started_at ? ` since ${e.started_at.slice(0, 10)}` : ''}
              {e.registered_after_start ? ' · registered after it started' : ''}
            </p>
          </>
        )}
      />
      <Show
        loaded={results}
        what="the results (the analysis runs on first use)"
        ready={(r) => <ResultsView r={r} record={record.state === 'ready' ? record.data : null} />}
      />
      <Show loaded={record} what="the plan" ready={(e) => <PlanView e={e} />} />
    </section>
  );
}

function ResultsView({ r, record }: { r: Results; record: Experiment | null }) {
  const money = useMoney();
  const primary = primaryOf(r);
  const cards: [string, string][] = [
    [
      `effect on ${primary ? outcomeLabel(primary.spec) : 'the primary outcome'}`,
      headlineEffectText(r, money),
    ],
    [
      primary?.stats
        ? levelText(primary.stats.alpha, primary.stats.method)
        : levelText(r.plan.alpha, 'fixed'),
      headlineIntervalText(r, money),
    ],
    ['sample ratio', r.srm ? (r.srm.mismatch ? 'MISMATCH' : 'OK') : NO_VALUE],
    [
      'worth per year',
      r.revenue.arms[0]?.per_year === null || r.revenue.arms[0] === undefined
        ? NO_VALUE
        : formatValue(r.revenue.arms[0].per_year, 'currency', { ...money, digits: 0 }),
    ],
    ['decision', decisionText(record?.decision?.decision)],
  ];
  const guardrails = r.outcomes.filter((o) => o.guardrail);
  const cuped = r.outcomes.map((o) => cupedCells(o, money)).filter((c): c is string[] => c !== null);
  return (
    <>
      <p class="headline" data-testid="experiment-headline">
        {headline(r, money)}
      </p>
      <p class="as-of">Results as of {r.as_of.slice(0, 16).replace('T', ' ')} UTC.</p>
      <dl class="cards" data-testid="experiment-summary">
        {cards.map(([label, value]) => (
          <div class="card" key={label}>
            <dt class="name">{label}</dt>
            <dd class="value">{value}</dd>
          </div>
        ))}
      </dl>
      {record?.decision ? <DecisionView e={record} /> : null}

      <h2>Effects</h2>
      <Effects r={r} />

      <h2>Guardrails</h2>
      {guardrails.length === 0 ? (
        <Empty>The plan names no guardrail.</Empty>
      ) : (
        <>
          <Table
            testid="experiment-guardrails"
            head={['guardrail', 'must not move', 'effect', 'interval', 'status']}
            rows={guardrails.map((o) => guardrailCells(o, money))}
            words={[0, 1, 4]}
          />
          <ul class="notes">
            {guardrails.map((o) => (
              <li key={o.name} class={`guardrail ${o.guardrail?.status}`}>
                {outcomeLabel(o.spec)}: {o.guardrail?.message}
              </li>
            ))}
          </ul>
        </>
      )}

      <h2>Revenue per year</h2>
      <div data-testid="experiment-revenue">
        <p class="revenue">{revenueText(r, money)}.</p>
        {r.revenue.formula ? (
          <p class="formula">
            How: <code>{r.revenue.formula}</code>
          </p>
        ) : null}
        {r.revenue.assumptions.length ? (
          <details>
            <summary>The assumptions this figure rests on</summary>
            <ul class="notes">
              {r.revenue.assumptions.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </div>

      <h2>Retention by days since exposure</h2>
      <Retention r={r} />

      <h2>Survival: time to churn</h2>
      <Survival r={r} />

      <h2 class="keep-case">CUPED (variance reduction)</h2>
      {cuped.length === 0 ? (
        <Empty>No outcome is adjusted by CUPED (the plan's covariate is none).</Empty>
      ) : (
        <Table
          testid="experiment-cuped"
          head={[
            'outcome',
            'θ',
            'variance removed',
            'effect without CUPED',
            'effect with CUPED',
            'pre-period',
          ]}
          rows={cuped}
          words={[0, 5]}
          caption="CUPED adjusts each customer's outcome by the same outcome before exposure; the pre-period must be balanced between arms for the adjustment to be trusted"
        />
      )}

      <h2>Segments (exploratory)</h2>
      <Segments r={r} />

      <h2>Sample ratio</h2>
      <p data-testid="experiment-srm">{srmText(r)}.</p>
      <Table
        testid="experiment-arms"
        head={['arm', 'planned share', 'assigned', 'share']}
        rows={r.arms.map((a) => [
          a.name,
          a.planned_share === null ? NO_VALUE : formatValue(a.planned_share, 'rate'),
          formatNumber(a.assigned),
          formatValue(a.share, 'rate'),
        ])}
      />

      {r.messages.length || r.plan.notes.length ? (
        <>
          <h2>Notes</h2>
          <ul class="notes" data-testid="experiment-notes">
            {[...r.messages, ...r.plan.notes].map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/** Whether an interval lies wholly on the good side, the bad side, or straddles no change. */
function verdict(o: Outcome, ci: readonly [number, number] | null | undefined): 'good' | 'bad' | 'unclear' {
  if (!ci) return 'unclear';
  const up = ci[0] > 0;
  const down = ci[1] < 0;
  if (!up && !down) return 'unclear';
  return up === (o.direction === 'increase') ? 'good' : 'bad';
}

/** One interval drawn on a scale from −max to +max, zero in the middle. */
function IntervalBar({
  ci,
  effect,
  max,
  tone,
}: {
  ci: readonly [number, number] | null | undefined;
  effect: number | null | undefined;
  max: number;
  tone: string;
}) {
  if (!ci || effect === null || effect === undefined || !(max > 0))
    return <span class="no-bar">{NO_VALUE}</span>;
  const x = (v: number) => 100 + (100 * Math.max(-max, Math.min(max, v))) / max;
  return (
    <svg class={`ci-bar ${tone}`} viewBox="0 0 200 16" preserveAspectRatio="none" aria-hidden="true">
      <line class="zero" x1="100" x2="100" y1="0" y2="16" />
      <rect class="range" x={x(ci[0])} width={Math.max(1.5, x(ci[1]) - x(ci[0]))} y="5" height="6" />
      <rect class="point" x={x(effect) - 1.5} width="3" y="2" height="12" />
    </svg>
  );
}

/** Each outcome's effect with its interval: a forest plot in a table (a scale per kind of effect). */
function Effects({ r }: { r: Results }) {
  const money = useMoney();
  const rows = r.outcomes.map((o) => {
    const c = o.stats?.comparisons[0];
    const d = o.survival?.rmst[0];
    const kind = o.stats ? `${o.stats.difference}:${outcomeUnit(o)}` : 'absolute:days';
    return { o, kind, effect: c?.effect ?? d?.difference ?? null, ci: c?.ci ?? d?.ci ?? null };
  });
  const max = new Map<string, number>();
  for (const row of rows) {
    const ends = row.ci ? row.ci.map(Math.abs) : [];
    max.set(row.kind, Math.max(max.get(row.kind) ?? 0, ...ends));
  }
  if (rows.length === 0) return <Empty>No outcome measured.</Empty>;
  const arms = r.arms.map((a) => a.name);
  const level = levelText(r.plan.alpha, r.plan.method);
  return (
    <>
      <p class="table-caption">
        Each arm against {arms[0]}: relative effects are lifts on {arms[0]}'s value; the bar is the {level},
        the mark the estimate, the line no change; p-values adjusted (
        {correctionText(r.plan.correction, r.plan.scope)}).
      </p>
      <table data-testid="experiment-outcomes" class="forest">
        <thead>
          <tr>
            <th scope="col">outcome</th>
            <th scope="col">role</th>
            {arms.map((a) => (
              <th scope="col" key={a}>
                {a}
              </th>
            ))}
            <th scope="col">effect</th>
            <th scope="col">{level}</th>
            <th scope="col">
              <span class="visually-hidden">interval drawn</span>
            </th>
            <th scope="col">p-value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ o, kind, effect, ci }) => {
            const cells = outcomeCells(o, money);
            const tone = verdict(o, ci);
            return (
              <tr key={o.name} class={o.role}>
                <td class="words">{cells[0]}</td>
                <td class="words">{cells[1]}</td>
                {cells.slice(2, 2 + arms.length).map((c, i) => (
                  <td key={arms[i]}>{c}</td>
                ))}
                <td class={`effect ${tone}`}>{cells[2 + arms.length]}</td>
                <td>{cells[3 + arms.length]}</td>
                <td class="bar-cell">
                  <IntervalBar ci={ci} effect={effect} max={max.get(kind) ?? 0} tone={tone} />
                </td>
                <td>{cells[4 + arms.length]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <MaturityNotes r={r} />
    </>
  );
}

/** Units left out per outcome because their window is still open, and each outcome's own sentences. */
function MaturityNotes({ r }: { r: Results }) {
  const open = r.outcomes.map((o) => maturityText(o)).filter((t): t is string => t !== null);
  const notes = r.outcomes.flatMap((o) => o.messages.map((m) => `${outcomeLabel(o.spec)}: ${m}`));
  return (
    <>
      {open.length ? (
        <ul class="notes maturity" data-testid="experiment-maturity">
          {open.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : (
        <p class="plain-note">Every customer's window has closed for every outcome: none is left out.</p>
      )}
      {notes.length ? (
        <details>
          <summary>
            {formatNumber(notes.length)} note{notes.length === 1 ? '' : 's'} from the analysis of the outcomes
          </summary>
          <ul class="notes" data-testid="experiment-outcome-notes">
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </>
  );
}

function Retention({ r }: { r: Results }) {
  const curve = (key: 'active' | 'paying'): ChartConfiguration => ({
    type: 'line',
    data: {
      datasets: r.retention.arms.map((a, i) => ({
        label: a.name,
        data: a.points.map((p) => ({ x: p.day, y: p[key].share })),
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
      })),
    },
    options: {
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'days since exposure' } },
        y: {
          min: 0,
          max: 1,
          title: { display: true, text: key === 'active' ? 'share active' : 'share paying' },
        },
      },
    },
  });
  const active = useMemo(() => curve('active'), [r]);
  const paying = useMemo(() => curve('paying'), [r]);
  if (r.retention.days.length === 0)
    return <Empty>{r.retention.messages[0] ?? 'No unit has been followed a day yet.'}</Empty>;
  return (
    <>
      <p class="lede">
        Of the customers whose day N has passed (the others are left out, not counted as lost): the share
        active that day (the catalog's active events) and the share paying then.
      </p>
      <div class="exp-charts" data-testid="experiment-retention">
        <figure>
          <figcaption>Active on day N</figcaption>
          <ChartCanvas config={active} label="Share active on day N since exposure, per arm" unit="rate" />
        </figure>
        <figure>
          <figcaption>Paying on day N</figcaption>
          <ChartCanvas config={paying} label="Share paying on day N since exposure, per arm" unit="rate" />
        </figure>
      </div>
      {r.retention.messages.map((m) => (
        <p class="plain-note" key={m}>
          {m}
        </p>
      ))}
    </>
  );
}

function Survival({ r }: { r: Results }) {
  const o = r.outcomes.find((x) => x.survival);
  const sv = o?.survival ?? null;
  const config = useMemo<ChartConfiguration | null>(() => {
    if (!sv) return null;
    return {
      type: 'line',
      data: {
        datasets: sv.arms.map((a, i) => ({
          label: a.name,
          data: [{ x: 0, y: 1 }, ...a.curve.map((s) => ({ x: s.time, y: s.survival }))],
          borderColor: PALETTE[i % PALETTE.length],
          backgroundColor: PALETTE[i % PALETTE.length],
          pointRadius: 0,
          stepped: 'after' as const,
        })),
      },
      options: {
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'days since exposure' } },
          y: { min: 0, max: 1, title: { display: true, text: 'share not churned' } },
        },
      },
    };
  }, [sv]);
  if (!o || !sv || !config) return <Empty>The plan has no time-to-churn outcome.</Empty>;
  const d = sv.rmst[0];
  const level = levelText(r.plan.alpha, 'fixed_horizon');
  return (
    <div data-testid="experiment-survival">
      <ChartCanvas config={config} label="Kaplan–Meier curves per arm by days since exposure" unit="rate" />
      <p data-testid="experiment-rmst">
        {d
          ? `RMST difference to day ${sv.tau}, ${d.arm} − ${d.baseline}: ${formatDelta(d.difference, 'days')} (${level} ${intervalText(d.ci, 'absolute', 'days')}), p = ${pValueText(d.p_value)}: each ${d.arm} customer paid ${formatValue(Math.abs(d.difference), 'days')} ${d.difference >= 0 ? 'more' : 'less'} on average in the first ${sv.tau} days.`
          : 'No RMST difference yet (no churn, or an arm without customers).'}
        {sv.log_rank
          ? ` Log-rank χ² = ${formatNumber(sv.log_rank.chi_square)} on ${sv.log_rank.df} df, p = ${pValueText(sv.log_rank.p_value)}.`
          : ''}
      </p>
      <Table
        testid="experiment-survival-arms"
        head={['arm', 'customers', 'churned', 'median days', `RMST to day ${sv.tau ?? NO_VALUE}`, 'interval']}
        rows={sv.arms.map((a) => [
          a.name,
          formatNumber(a.n),
          formatNumber(a.events),
          a.median === null ? 'not reached' : formatValue(a.median, 'days'),
          formatValue(a.rmst?.rmst, 'days'),
          a.rmst ? `${formatValue(a.rmst.ci[0], 'days')} to ${formatValue(a.rmst.ci[1], 'days')}` : NO_VALUE,
        ])}
      />
    </div>
  );
}

function Segments({ r }: { r: Results }) {
  const money = useMoney();
  const s = r.segments;
  const primary = primaryOf(r);
  if (s.breakdowns.length === 0 || !primary || !s.difference)
    return <Empty>{s.messages[0] ?? 'No segment computed.'}</Empty>;
  const arms = r.arms.map((a) => a.name);
  return (
    <div data-testid="experiment-segments">
      <p class="exploratory">
        Exploratory: {outcomeLabel(primary.spec)} within each segment, not corrected for the many comparisons
        and not powered for them. Use these to form the next hypothesis, not to decide this one.
      </p>
      {s.breakdowns.map((b) => (
        <Table
          key={b.by}
          testid={`experiment-segments-${b.by}`}
          caption={`By ${b.by}${b.more ? ` (the ${b.segments.length} largest; ${b.more} more not shown)` : ''}`}
          head={[b.by, 'customers', ...arms, 'effect', 'interval', 'note']}
          rows={b.segments.map((seg) => segmentCells(seg, primary, s.difference ?? 'relative', money))}
          words={[0, 4 + arms.length]}
          note={4 + arms.length}
        />
      ))}
      {s.messages.map((m) => (
        <p class="plain-note" key={m}>
          {m}
        </p>
      ))}
    </div>
  );
}

function DecisionView({ e }: { e: Experiment }) {
  const d = e.decision;
  if (!d) return null;
  return (
    <div class="decision" data-testid="experiment-decision">
      <p>
        <strong>Decision: {decisionText(d.decision)}</strong> ({d.decided_at.slice(0, 10)}
        {d.plan_version ? `, on plan version ${d.plan_version}` : ''}).
      </p>
      <p>
        <strong>Learning:</strong> {d.learning}
      </p>
      {d.result ? <p class="plain-note">Result then: {d.result}</p> : null}
    </div>
  );
}

function PlanView({ e }: { e: Experiment }) {
  const amendments = e.versions.filter((v) => v.version > 1);
  return (
    <>
      <h2>The plan</h2>
      {e.plan ? (
        <dl class="plan" data-testid="experiment-plan">
          {planCells(e.plan).map(([label, text]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{text}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <Empty>
          The registry cannot read this experiment's plan; the analysis used the experiments table's row.
        </Empty>
      )}
      <p class="plain-note">
        Registered {e.registered_at ? e.registered_at.slice(0, 10) : 'at an unknown time'}
        {e.registered_after_start ? ', after the experiment started' : ', before the experiment started'}
        {e.hash ? `; plan hash ${e.hash.slice(0, 12)}` : ''}.
      </p>
      <h2>Amendments (deviations from plan)</h2>
      {amendments.length === 0 ? (
        <Empty>None: the experiment runs as registered.</Empty>
      ) : (
        <ol class="amendments" data-testid="experiment-amendments">
          {amendments.map((v) => (
            <li key={v.version}>
              <p>
                <strong>Version {v.version}</strong>,{' '}
                {v.registered_at ? v.registered_at.slice(0, 10) : 'time unknown'}
                {v.after_start ? ' (after the start)' : ''}: {v.reason ?? 'no reason recorded'}
              </p>
              <ul>
                {v.changes.map((c) => (
                  <li key={c.field}>
                    <code>{changeText(c)}</code>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
      {!e.decision ? (
        <>
          <h2>Decision and learning</h2>
          <Empty>
            Not decided yet: record it with <code>tenure experiment decide {e.id}</code>.
          </Empty>
        </>
      ) : null}
    </>
  );
}
