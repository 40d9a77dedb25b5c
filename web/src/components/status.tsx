// A target status as a small coloured label, the same on every page.
import { statusLabel } from '../format.ts';
import type { Status } from '../goals-types.ts';

export function StatusBadge({ status }: { status: Status | null | undefined }) {
  if (!status) return null;
  return (
    <span class={`status ${status}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}
