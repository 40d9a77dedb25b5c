// Data: the data's end, the latest loads, rows per table and quarantined rows by table and reason.
import { Empty } from '../components/states.tsx';
import { formatNumber } from '../format.ts';

export interface Health {
  as_of: string | null;
  loads: {
    load_id: number;
    started_at: string;
    finished_at: string | null;
    source: string;
    rows_read: number | null;
    rows_loaded: number | null;
    rows_quarantined: number | null;
    rows_duplicate: number | null;
  }[];
  tables: { table_name: string; row_count: number }[];
  quarantine: { table_name: string; reason_code: string; example_reason: string; row_count: number }[];
}

export function DataPage({ health }: { health: Health }) {
  return (
    <section>
      <h1>Data</h1>
      <p class="lede">
        Data up to <strong data-testid="as-of">{health.as_of ?? 'no activity yet'}</strong>.
      </p>
      <h2>Loads</h2>
      {health.loads.length === 0 ? (
        <Empty>Nothing has been loaded.</Empty>
      ) : (
        <table data-testid="loads">
          <thead>
            <tr>
              <th>load</th>
              <th>started</th>
              <th>source</th>
              <th>read</th>
              <th>loaded</th>
              <th>quarantined</th>
              <th>duplicates</th>
            </tr>
          </thead>
          <tbody>
            {health.loads.map((l) => (
              <tr key={l.load_id}>
                <td>{l.load_id}</td>
                <td>{l.started_at}</td>
                <td>{l.source}</td>
                <td>{formatNumber(l.rows_read)}</td>
                <td>{formatNumber(l.rows_loaded)}</td>
                <td>{formatNumber(l.rows_quarantined)}</td>
                <td>{formatNumber(l.rows_duplicate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Rows per table</h2>
      <table data-testid="tables">
        <thead>
          <tr>
            <th>table</th>
            <th>rows</th>
          </tr>
        </thead>
        <tbody>
          {health.tables.map((t) => (
            <tr key={t.table_name}>
              <td>{t.table_name}</td>
              <td>{formatNumber(t.row_count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Quarantined rows</h2>
      {health.quarantine.length === 0 ? (
        <Empty>No row was quarantined.</Empty>
      ) : (
        <table data-testid="quarantine">
          <thead>
            <tr>
              <th>table</th>
              <th>reason</th>
              <th>rows</th>
              <th>example</th>
            </tr>
          </thead>
          <tbody>
            {health.quarantine.map((q) => (
              <tr key={`${q.table_name}|${q.reason_code}`}>
                <td>{q.table_name}</td>
                <td>{q.reason_code}</td>
                <td>{formatNumber(q.row_count)}</td>
                <td>{q.example_reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
