// The one query of feedback themes: every answer with a non-empty comment in the window, with what the
// statistics need about its customer — MRR just before the answer, MRR at as_of, and whether MRR went to 0
// within churn_days after it. Portable SQL over the MRR spans of src/compiler/rollups/customer-mrr.ts (the
// dialect spells epochs and casts); only the commenters' spans are joined, so a few rows per comment.
import { mrrSpansSql, spanHoldsAtSql } from '../compiler/rollups/customer-mrr.ts';
import { instantParam } from '../compiler/sql-time.ts';
import type { Engine } from '../warehouse/engine.ts';
import { SqlParams } from '../warehouse/sql-builder.ts';
import type { CommentFacts } from './stats.ts';

export interface CommentRow extends CommentFacts {
  responseId: string;
  comment: string;
}

/** Comments answered in [start, asOf), oldest first, with their customers' MRR facts. */
export async function readComments(
  engine: Engine,
  start: string,
  asOf: string,
  churnDays: number,
): Promise<CommentRow[]> {
  const d = engine.dialect;
  const params = new SqlParams(d);
  const from = instantParam(params, start);
  const until = instantParam(params, asOf);
  const horizon = params.bind(churnDays * 86_400);
  const sql = `WITH spans AS (${mrrSpansSql(d)}),
  c AS (
    SELECT response_id, customer_id, answered_at, kind, score, comment FROM feedback
    WHERE comment IS NOT NULL AND trim(comment) <> '' AND answered_at >= ${from} AND answered_at < ${until}),
  facts AS (
    SELECT c.response_id AS response_id,
      max(CASE WHEN ${spanHoldsAtSql('m', 'c.answered_at')} THEN m.mrr END) AS mrr_at_answer,
      max(CASE WHEN ${spanHoldsAtSql('m', until)} THEN m.mrr END) AS mrr_now,
      max(CASE WHEN m.mrr = 0 AND m.effective_at > c.answered_at
        AND ${d.epochSeconds('m.effective_at')} - ${d.epochSeconds('c.answered_at')} <= ${horizon}
        THEN 1 ELSE 0 END) AS churned
    FROM c LEFT JOIN spans m ON m.customer_id = c.customer_id
    GROUP BY c.response_id)
  SELECT c.response_id AS response_id, c.customer_id AS customer_id, c.answered_at AS answered_at,
    c.kind AS kind, c.score AS score, c.comment AS comment,
    f.mrr_at_answer AS mrr_at_answer, f.mrr_now AS mrr_now, f.churned AS churned
  FROM c JOIN facts f ON f.response_id = c.response_id
  ORDER BY c.answered_at, c.response_id`;
  const rows = await engine.query(sql, params.values);
  return rows.map((r) => ({
    responseId: String(r.response_id),
    customerId: String(r.customer_id),
    answeredAt: Date.parse(String(r.answered_at)),
    kind: String(r.kind),
    score: Number(r.score),
    comment: String(r.comment),
    mrrAtAnswer: Number(r.mrr_at_answer ?? 0),
    mrrNow: Number(r.mrr_now ?? 0),
    churned: Number(r.churned ?? 0) === 1,
  }));
}
