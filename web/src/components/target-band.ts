// A KPI's whole-company target on a chart: a dashed line for a value, two lines with the band between them
// filled for a range; pragmatic in green, aspirational in violet.
import type { Goal, TargetCheck } from '../goals-types.ts';
import { useApi } from '../use-api.ts';
import { TARGET_COLORS } from './series-colors.ts';

/** The project's whole-company target of `kpi` at `grain`, once the targets have loaded. */
export function useTarget(kpi: string, grain: string): TargetCheck | undefined {
  const targets = useApi<{ targets: TargetCheck[] }>('/api/targets');
  if (targets.state !== 'ready') return undefined;
  return targets.data.targets.find(
    (t) => t.target.kpi === kpi && t.target.segment === undefined && t.target.grain === grain,
  );
}

function goalDatasets(goal: Goal, label: string, count: number, color: string, dash: number[]) {
  const line = (v: number, extra: Record<string, unknown> = {}) => ({
    label,
    data: Array.from({ length: count }, () => v),
    borderColor: color,
    borderDash: dash,
    borderWidth: 1.5,
    pointRadius: 0,
    ...extra,
  });
  if (!Array.isArray(goal)) return [line(goal)];
  return [line(goal[0]), line(goal[1], { fill: '-1', backgroundColor: `${color}22` })];
}

/** The datasets drawing a target over `count` periods (none without a target). */
export function targetDatasets(target: TargetCheck | undefined, count: number) {
  if (!target) return [];
  return [
    // A rolling-forecast target's pragmatic value is its forecast for the last judged month.
    ...(target.pragmatic === null
      ? []
      : goalDatasets(target.pragmatic, 'pragmatic target', count, TARGET_COLORS.pragmatic, [6, 4])),
    ...(target.target.aspirational === undefined
      ? []
      : goalDatasets(
          target.target.aspirational,
          'aspirational target',
          count,
          TARGET_COLORS.aspirational,
          [2, 3],
        )),
  ];
}
