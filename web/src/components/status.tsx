// A target status as a small coloured label, the same on every page.
import type { Status } from '../api.ts';

const LABEL: Record<Status, string> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
  no_data: 'no data',
};

export const statusLabel = (s: Status | null | undefined) => (s ? LABEL[s] : '');

export function StatusBadge({ status }: { status: Status | null | undefined }) {
  if (!status) return null;
  return (
    <span class={`status ${status}`} data-status={status}>
      {LABEL[status]}
    </span>
  );
}
