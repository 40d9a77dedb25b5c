// Feedback: what customers write, grouped into themes, and which themes to fix first. The backlog comes
// first — themes whose comments are followed by more churn than the others, ranked by the MRR of those who
// raised them × that extra churn, each with the KPIs it should move — then every theme with its volume by
// month, the scores and churn of those who raise it, and a few of its comments.
import { Show } from '../components/states.tsx';
import { useMoney } from '../currency.ts';
import { onLink } from '../router.ts';
import { useApi } from '../use-api.ts';
import { backlogCells, type FeedbackAnswer, type FeedbackTheme, themeCells } from './feedback-cells.ts';

export function FeedbackPage() {
  const feedback = useApi<FeedbackAnswer>('/api/feedback');
  return (
    <section>
      <h1>Feedback themes</h1>
      <Show loaded={feedback} what="feedback themes" ready={(r) => <Report r={r} />} />
    </section>
  );
}

/** Comments per month as small bars, the counts in its label for screen readers. */
function Volume({ t }: { t: FeedbackTheme }) {
  const most = Math.max(1, ...t.monthly.map((m) => m.comments));
  const w = 4;
  return (
    <svg
      class="spark"
      width={t.monthly.length * (w + 1)}
      height={20}
      role="img"
      aria-label={`comments per month: ${t.monthly.map((m) => `${m.month} ${m.comments}`).join(', ')}`}
    >
      {t.monthly.map((m, i) => {
        const h = Math.max(1, Math.round((18 * m.comments) / most));
        return <rect key={m.month} x={i * (w + 1)} y={20 - h} width={w} height={h} />;
      })}
    </svg>
  );
}

function Report({ r }: { r: FeedbackAnswer }) {
  const money = useMoney();
  return (
    <>
      <p class="lede" data-testid="feedback-lede">
        {r.comments} comments from {r.customers} customers, {r.window.start.slice(0, 10)} to{' '}
        {r.as_of.slice(0, 10)}, grouped into {r.themes.length} themes by their words. Churn is the share of
        answers followed by the customer cancelling within {r.churn_days} days ({r.churn_answers} answers from
        paying customers; {r.churn_days}-day windows not yet over are left out).
      </p>
      <h2 class="keep-case">Fix first</h2>
      {r.backlog.length ? (
        <table class="feedback-table" data-testid="feedback-backlog">
          <thead>
            <tr>
              <th>#</th>
              <th class="text">theme</th>
              <th>MRR at stake</th>
              <th>extra churn (95% interval)</th>
              <th>MRR × extra churn</th>
              <th class="text">KPIs it should move</th>
            </tr>
          </thead>
          <tbody>
            {r.backlog.map((b) => {
              const cells = backlogCells(b, money);
              return (
                <tr key={b.theme}>
                  {cells.slice(0, 5).map((c, i) => (
                    <td key={i} class={i === 1 ? 'text' : undefined}>
                      {c}
                    </td>
                  ))}
                  <td class="text kpis">
                    {b.kpis.length === 0 ? cells[5] : null}
                    {b.kpis.map((k, i) => (
                      <span key={k.id}>
                        {i > 0 ? ', ' : ''}
                        <a href={`/kpi/${encodeURIComponent(k.id)}`} onClick={onLink}>
                          {k.name}
                        </a>
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p class="lede" data-testid="feedback-backlog-empty">
          No theme is followed by more churn than the other comments.
        </p>
      )}
      <h2>Themes</h2>
      <table class="feedback-table" data-testid="feedback-themes">
        <thead>
          <tr>
            <th class="text">theme</th>
            <th>comments (share)</th>
            <th>trend</th>
            <th>by month</th>
            <th>NPS</th>
            <th>CSAT</th>
            <th>churn: raisers vs others</th>
            <th>difference (95% interval)</th>
            <th>MRR at stake</th>
          </tr>
        </thead>
        <tbody>
          {r.themes.map((t) => {
            const cells = themeCells(t, money);
            return (
              <tr key={t.id}>
                <td class="text" title={t.examples.join('\n')}>
                  {cells[0]}
                </td>
                {cells.slice(1, 3).map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
                <td>
                  <Volume t={t} />
                </td>
                {cells.slice(3).map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      <details data-testid="feedback-examples">
        <summary>What each theme’s comments say</summary>
        <dl>
          {r.themes.map((t) => (
            <div key={t.id}>
              <dt>{t.name}</dt>
              <dd>{t.examples.map((e) => `“${e}”`).join(' · ')}</dd>
            </div>
          ))}
        </dl>
      </details>
      {r.notes.map((n) => (
        <p class="lede" key={n}>
          {n}
        </p>
      ))}
    </>
  );
}
