// Under a chart that draws a target: whose it is, its values and its last status.

import { useMoney } from '../currency.ts';
import { formatGoal } from '../format.ts';
import type { TargetCheck } from '../goals-types.ts';
import { StatusBadge } from './status.tsx';

export function TargetNote({ target, unit }: { target: TargetCheck | undefined; unit: string }) {
  const money = useMoney();
  if (!target) return null;
  return (
    <p class="target-note" data-testid="target-band">
      Target ({target.target.owner}): pragmatic {formatGoal(target.pragmatic, unit, money)}
      {target.forecast ? ' (its forecast)' : ''}
      {target.target.aspirational === undefined
        ? ''
        : `, aspirational ${formatGoal(target.target.aspirational, unit, money)}`}{' '}
      · last judged <StatusBadge status={target.status} guardrails={target.guardrails} />
    </p>
  );
}
