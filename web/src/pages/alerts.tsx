// Alerts raised by `tenure check`: open ones first, each with its message; an editor acknowledges one or
// snoozes it for a week from here. A refusal (a viewer's token) shows the API's message.
import { useState } from 'preact/hooks';
import { ApiError, sendJson } from '../api.ts';
import { Empty, Failure, Show } from '../components/states.tsx';
import type { StoredAlert } from '../goals-types.ts';
import { useApi } from '../use-api.ts';

const ORDER = { open: 0, snoozed: 1, acknowledged: 2 } as const;
const WEEK_MS = 7 * 86_400_000;

export function AlertsPage() {
  const [reload, setReload] = useState(0);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const alerts = useApi<{ alerts: StoredAlert[] }>('/api/alerts', reload);
  const act = async (path: string, body: Record<string, string>) => {
    try {
      await sendJson('POST', path, body);
      setFailure(null);
    } catch (err) {
      setFailure(err instanceof ApiError ? err : new ApiError(String(err), 0));
    }
    setReload((n) => n + 1);
  };
  return (
    <section>
      <h1>Alerts</h1>
      {failure ? <Failure message={failure.message} hint={failure.hint} /> : null}
      <Show
        loaded={alerts}
        what="the alerts"
        ready={(a) =>
          a.alerts.length === 0 ? (
            <Empty>No alerts: run `tenure check` (from cron or CI) to raise them.</Empty>
          ) : (
            <table data-testid="alerts" data-ready="true">
              <thead>
                <tr>
                  <th>state</th>
                  <th>alert</th>
                  <th>first seen</th>
                  <th>last seen</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {[...a.alerts]
                  .sort((x, y) => ORDER[x.state] - ORDER[y.state])
                  .map((alert) => (
                    <tr key={alert.key} data-alert={alert.key} data-state={alert.state}>
                      <td class={`alert-state ${alert.state}`}>
                        {alert.state}
                        {alert.snoozed_until ? ` until ${String(alert.snoozed_until).slice(0, 10)}` : ''}
                      </td>
                      <td>{alert.message}</td>
                      <td>{String(alert.first_seen).slice(0, 16)}</td>
                      <td>{String(alert.last_seen).slice(0, 16)}</td>
                      <td class="actions">
                        {alert.state !== 'acknowledged' ? (
                          <button
                            type="button"
                            data-action="acknowledge"
                            onClick={() => act('/api/alerts/acknowledge', { key: alert.key })}
                          >
                            Acknowledge
                          </button>
                        ) : null}
                        {alert.state === 'open' ? (
                          <button
                            type="button"
                            data-action="snooze"
                            onClick={() =>
                              act('/api/alerts/snooze', {
                                key: alert.key,
                                until: new Date(Date.now() + WEEK_MS).toISOString().slice(0, 10),
                              })
                            }
                          >
                            Snooze a week
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )
        }
      />
    </section>
  );
}
