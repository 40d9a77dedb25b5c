// Derived metrics: arithmetic over other KPIs' results (the project's metrics and the catalog's), period by
// period and segment by segment, after those are computed. A derived value stands on its fewest-unit input
// (n is their least); an input without a value leaves none (no data); a division by zero leaves none,
// flagged zero_denominator; an input's incomplete period, too few units or censoring carries over. When the
// expression is a division, its two sides are the result's numerator and denominator.
import jsep from 'jsep';
import type { Catalog } from '../../catalog/catalog.ts';
import { getDefinition } from '../../catalog/catalog.ts';
import { TenureError } from '../../errors/tenure-error.ts';
import {
  FLAGS,
  type Flag,
  type KpiResult,
  noDataResult,
  type ResultContext,
} from '../../results/kpi-result.ts';

/** The derived metric's expression, or undefined for any other KPI. */
export function derivedExpr(catalog: Catalog, id: string): string | undefined {
  const metric = getDefinition(id, catalog).metric;
  return metric?.type === 'derived' ? metric.expr : undefined;
}

/** The KPI ids an expression names, in order of first appearance. */
export function exprInputs(expr: string): string[] {
  const ids: string[] = [];
  const walk = (n: jsep.Expression): void => {
    if (n.type === 'Identifier') ids.push(String(n.name));
    if (n.type === 'BinaryExpression') {
      walk(n.left as jsep.Expression);
      walk(n.right as jsep.Expression);
    }
    if (n.type === 'UnaryExpression') walk(n.argument as jsep.Expression);
  };
  walk(jsep(expr));
  return [...new Set(ids)];
}

/**
 * The request's KPIs split: those computed by families (every derived metric's inputs added, transitively)
 * and the derived ones, each after the derived metrics it reads.
 */
export function planDerived(
  catalog: Catalog,
  ids: readonly string[],
): { computed: string[]; derived: string[] } {
  const computed = new Set<string>();
  const derived: string[] = [];
  const visit = (id: string, trail: readonly string[]) => {
    if (computed.has(id) || derived.includes(id)) return;
    const expr = derivedExpr(catalog, id);
    if (expr === undefined) {
      computed.add(id);
      return;
    }
    // The catalog refuses cycles when it loads; one here is a bug.
    if (trail.includes(id))
      throw new TenureError('internal', `derived metrics in a cycle: ${[...trail, id].join(' → ')}`);
    for (const input of exprInputs(expr)) visit(input, [...trail, id]);
    derived.push(id);
  };
  for (const id of ids) visit(id, []);
  return { computed: [...computed], derived };
}

interface Evaluated {
  readonly value: number | null;
  readonly zero: boolean;
}

/** The expression's value over inputs' values (null when one is missing or a divisor is zero). */
function evaluate(node: jsep.Expression, value: (id: string) => number | null): Evaluated {
  switch (node.type) {
    case 'Literal':
      return { value: Number(node.value), zero: false };
    case 'Identifier':
      return { value: value(String(node.name)), zero: false };
    case 'UnaryExpression': {
      const inner = evaluate(node.argument as jsep.Expression, value);
      return { ...inner, value: inner.value === null ? null : -inner.value };
    }
    case 'BinaryExpression': {
      const a = evaluate(node.left as jsep.Expression, value);
      const b = evaluate(node.right as jsep.Expression, value);
      const zero = a.zero || b.zero || (node.operator === '/' && b.value === 0);
      if (a.value === null || b.value === null || zero) return { value: null, zero };
      const x = a.value;
      const y = b.value;
      const out =
        node.operator === '+' ? x + y : node.operator === '-' ? x - y : node.operator === '*' ? x * y : x / y;
      return { value: Number.isFinite(out) ? out : null, zero };
    }
    default:
      throw new TenureError('internal', `${node.type} in a derived metric`);
  }
}

const CARRIED: readonly Flag[] = ['incomplete_period', 'censored'];

/**
 * Results of the derived metrics `derived` (in order) added to `results`, over the segments the inputs'
 * results hold for each period (or 'all').
 */
export function addDerived(
  catalog: Catalog,
  derived: readonly string[],
  results: readonly KpiResult[],
  ctx: { readonly asOf: string; readonly minSample: number },
): KpiResult[] {
  const out = [...results];
  const at = new Map(out.map((r) => [`${r.kpi}|${r.period_start}|${r.segment}`, r]));
  for (const id of derived) {
    const expr = derivedExpr(catalog, id) ?? '';
    const ast = jsep(expr);
    const inputs = exprInputs(expr);
    const cells = new Map<string, { period_start: string; period_end: string; segment: string }>();
    for (const r of out) if (inputs.includes(r.kpi)) cells.set(`${r.period_start}|${r.segment}`, r);
    for (const [, cell] of [...cells].sort(([a], [b]) => a.localeCompare(b))) {
      const rc: ResultContext = { kpi: id, ...cell, asOf: ctx.asOf, minSample: ctx.minSample };
      const found = inputs.map((i) => at.get(`${i}|${cell.period_start}|${cell.segment}`));
      if (found.some((r) => r === undefined || r.value === null || r.flags.includes('no_data'))) {
        const r = noDataResult(rc);
        out.push(r);
        at.set(`${id}|${cell.period_start}|${cell.segment}`, r);
        continue;
      }
      const value = (name: string) => at.get(`${name}|${cell.period_start}|${cell.segment}`)?.value ?? null;
      const result = evaluate(ast, value);
      const n = Math.min(...found.map((r) => r?.n ?? 0));
      const flags = new Set<Flag>(found.flatMap((r) => r?.flags ?? []).filter((f) => CARRIED.includes(f)));
      if (cell.period_end > ctx.asOf) flags.add('incomplete_period');
      if (n < ctx.minSample) flags.add('too_few');
      if (result.zero) flags.add('zero_denominator');
      const sides =
        ast.type === 'BinaryExpression' && ast.operator === '/'
          ? {
              numerator: evaluate(ast.left as jsep.Expression, value).value,
              denominator: evaluate(ast.right as jsep.Expression, value).value,
            }
          : { numerator: result.value, denominator: null };
      const r: KpiResult = {
        kpi: id,
        period_start: cell.period_start,
        period_end: cell.period_end,
        segment: cell.segment,
        value: result.value,
        ...sides,
        n,
        flags: FLAGS.filter((f) => flags.has(f)),
      };
      out.push(r);
      at.set(`${id}|${cell.period_start}|${cell.segment}`, r);
    }
  }
  return out;
}
