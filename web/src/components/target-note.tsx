// Under a chart that draws a target: whose it is, its values and its last status.

import { goalText } from '../format.ts';
import type { TargetCheck } from '../goals-types.ts';
import { StatusBadge } from './status.tsx';

export function TargetNote({ target, unit }: { target: TargetCheck | undefined; unit: string }) {
  if (!target) return null;
  return (
    <p class="target-note" data-testid="target-band">
      Target ({target.target.owner}): pragmatic {goalText(target.target.pragmatic, unit)}
      {target.target.aspirational === undefined
        ? ''
        : `, aspirational ${goalText(target.target.aspirational, unit)}`}{' '}
      · last judged <StatusBadge status={target.status} />
    </p>
  );
}
