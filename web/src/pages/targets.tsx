// Targets by owner: each target's KPI in its last complete period (or rolling window) against its
// pragmatic and aspirational targets, the status, the segments that moved it, the action plan and cadence;
// below, folded, the history of every target's versions (their JSON).
import type { CatalogEntry } from '../api.ts';
import { Empty, Show } from '../components/states.tsx';
import { StatusBadge } from '../components/status.tsx';
import { useMoney } from '../currency.ts';
import { formatDelta, formatGoal, formatValue } from '../format.ts';
import type { TargetCheck } from '../goals-types.ts';
import { onLink } from '../router.ts';
import { useApi } from '../use-api.ts';

interface HistoryEntry {
  target_key: string;
  hash: string;
  target: string;
  recorded_at: string;
}

export function TargetsPage() {
  const catalog = useApi<{ kpis: CatalogEntry[] }>('/api/catalog');
  const targets = useApi<{ targets: TargetCheck[] }>('/api/targets');
  const history = useApi<{ history: HistoryEntry[] }>('/api/targets/history');
  return (
    <section>
      <h1>Targets and owners</h1>
      <Show
        loaded={catalog}
        what="the catalog"
        ready={(c) => (
          <Show
            loaded={targets}
            what="the targets"
            ready={(t) =>
              t.targets.length === 0 ? (
                <Empty>No targets yet: add them under targets: in tenure.yaml, or PUT /api/targets.</Empty>
              ) : (
                <ByOwner checks={t.targets} units={new Map(c.kpis.map((k) => [k.id, k.unit]))} />
              )
            }
          />
        )}
      />
      <details data-testid="history">
        <summary>History: every version of every target, as recorded (JSON)</summary>
        <Show
          loaded={history}
          what="the history of targets"
          ready={(h) =>
            h.history.length === 0 ? (
              <Empty>No version recorded yet (tenure check records them).</Empty>
            ) : (
              <table data-testid="target-history">
                <thead>
                  <tr>
                    <th>target</th>
                    <th>recorded</th>
                    <th>content</th>
                  </tr>
                </thead>
                <tbody>
                  {h.history.map((e) => (
                    <tr key={`${e.target_key}|${e.hash}`}>
                      <td>{e.target_key}</td>
                      <td>{String(e.recorded_at).slice(0, 19)}</td>
                      <td>
                        <code>{e.target}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        />
      </details>
    </section>
  );
}

function ByOwner({ checks, units }: { checks: TargetCheck[]; units: Map<string, string> }) {
  const money = useMoney();
  const owners = [...new Set(checks.map((c) => c.target.owner))].sort();
  return (
    <div data-testid="targets" data-ready="true">
      {owners.map((owner) => (
        <section key={owner} class="owner" data-owner={owner}>
          <h2>{owner}</h2>
          <table>
            <thead>
              <tr>
                <th>KPI</th>
                <th>segment</th>
                <th>period</th>
                <th>value</th>
                <th>pragmatic</th>
                <th>aspirational</th>
                <th>status</th>
                <th>meeting it is worth</th>
                <th>guardrails</th>
                <th>moved most by</th>
                <th>action plan</th>
                <th>benchmark</th>
                <th>review</th>
              </tr>
            </thead>
            <tbody>
              {checks
                .filter((c) => c.target.owner === owner)
                .map((c) => {
                  const unit = units.get(c.target.kpi) ?? 'number';
                  const plan = c.target.action_plan;
                  return (
                    <tr key={`${c.target.kpi}|${c.segment}|${c.target.grain}`} data-target={c.target.kpi}>
                      <td>
                        <a href={`/kpi/${c.target.kpi}`} onClick={onLink}>
                          {c.name}
                        </a>
                      </td>
                      <td>{c.target.segment ? `${c.target.segment.by}=${c.segment}` : 'all'}</td>
                      <td>
                        {c.period_start.slice(0, 10)} – {c.period_end.slice(0, 10)}
                      </td>
                      <td data-testid="value">{formatValue(c.value, unit, money)}</td>
                      <td data-testid="pragmatic">
                        {formatGoal(c.pragmatic, unit, money)}
                        {c.forecast ? (
                          <span class="muted">
                            {' '}
                            forecast, {Math.round(c.forecast.band * 100)}% band{' '}
                            {formatGoal([c.forecast.lower, c.forecast.upper], unit, money)}
                          </span>
                        ) : null}
                      </td>
                      <td>{formatGoal(c.target.aspirational, unit, money)}</td>
                      <td>
                        <StatusBadge status={c.status} guardrails={c.guardrails} />
                        {c.ahead ? ' ahead' : ''}
                      </td>
                      <td data-testid="worth">
                        {c.worth
                          ? `${formatDelta(c.worth.mrr_change, 'currency', { ...money, digits: 0 })} MRR in ${c.worth.horizon} months`
                          : ''}
                      </td>
                      <td data-testid="guardrails">
                        <Guardrails checks={c.guardrails} />
                      </td>
                      <td>{c.why.map((w) => `${w.dimension}=${w.segment}`).join(', ')}</td>
                      <td>{Array.isArray(plan) ? plan.join('; ') : (plan ?? '')}</td>
                      <td data-testid="benchmark">
                        {c.target.benchmark
                          ? `${formatValue(c.target.benchmark.value, unit, money)} (${c.target.benchmark.source}, ${c.target.benchmark.date})`
                          : ''}
                      </td>
                      <td>{c.target.cadence}</td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}

/** Each guardrail: what must not move which way, its value before → now, and whether it held. */
function Guardrails({ checks }: { checks: TargetCheck['guardrails'] }) {
  const money = useMoney();
  if (checks.length === 0) return <span class="muted">none</span>;
  return (
    <>
      {checks.map((g) => (
        <span key={g.kpi} class={`guardrail ${g.status}`} data-guardrail={g.kpi} data-state={g.status}>
          {g.name} must not {g.must_not}: {formatValue(g.before, g.unit, money)} →{' '}
          {formatValue(g.value, g.unit, money)}{' '}
          {g.status === 'broken' ? '(broken)' : g.status === 'held' ? '(held)' : '(no data)'}
          {g.proposed ? ' · proposed' : ''}
        </span>
      ))}
    </>
  );
}
