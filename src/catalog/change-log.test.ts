// The change log of definitions: a KPI whose meaning changed shows both versions, each under its hash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withSmallWarehouse } from '../../test/support/small-warehouse.ts';
import { buildCatalog, CATALOG, definitionHash, getDefinition } from './catalog.ts';
import { readChangeLog, recordDefinitions } from './change-log.ts';
import type { KpiDefinition } from './definition.ts';

/** The two definitions as version 1 had them (issue 15 item 6 changed both). */
function versionOne(): KpiDefinition[] {
  const growth = structuredClone(getDefinition('expansion_revenue_growth_rate')) as KpiDefinition;
  const score = structuredClone(getDefinition('customer_engagement_score')) as KpiDefinition;
  const { cap_e: _cap, ...scoreParams } = score.params;
  return [
    {
      ...growth,
      formula: '(expansion(P) − expansion(P−1)) / expansion(P−1)',
      grainSensitive: undefined,
      also: undefined,
      version: 1,
    },
    {
      ...score,
      formula:
        'per account: Σ w_e · ln(1 + count_e) over `key_actions`, as a 0–100 percentile rank among accounts; the KPI is the mean, with the shares of low (<33) / mid / high (≥67)',
      params: scoreParams,
      version: 1,
    },
  ];
}

test('a warehouse that computed version 1 logs version 2 beside it when the definition changes', async () => {
  const ids = ['customer_engagement_score', 'expansion_revenue_growth_rate'];
  const seen = await withSmallWarehouse(
    { customers: 'customer_id,signed_up_at\nA,2024-01-01T00:00:00Z' },
    async (db) => {
      await recordDefinitions(db, buildCatalog(versionOne()), new Date('2025-01-01T00:00:00Z'));
      const recorded = await recordDefinitions(db, CATALOG, new Date('2025-06-01T00:00:00Z'));
      const log = await Promise.all(ids.map((id) => readChangeLog(db, id)));
      return {
        recorded: recorded.filter((id) => ids.includes(id)).sort(),
        log: log.map((entries) =>
          entries.map((e) => ({
            version: Number(e.version),
            hash: e.hash,
            formula: JSON.parse(e.definition).formula,
          })),
        ),
      };
    },
  );
  assert.deepEqual(seen.recorded, ids);
  for (const [i, id] of ids.entries()) {
    const entries = seen.log[i] ?? [];
    assert.deepEqual(
      entries.map((e) => e.version),
      [1, 2],
      id,
    );
    assert.equal(entries[1]?.hash, definitionHash(getDefinition(id)));
    assert.notEqual(entries[0]?.hash, entries[1]?.hash);
    assert.equal(entries[1]?.formula, getDefinition(id).formula);
  }
  assert.match(seen.log[0]?.[0]?.formula ?? '', /percentile rank/);
  assert.match(seen.log[1]?.[1]?.formula ?? '', /^expansion MRR in P \/ Σ s/);
});
