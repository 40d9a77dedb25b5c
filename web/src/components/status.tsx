// A target status as a small coloured label, the same on every page; with a broken guardrail it says so
// ("met, guardrail broken") in a colour of its own, the guardrails' moves in its title.
import { statusLabel } from '../format.ts';
import type { GuardrailCheck, Status } from '../goals-types.ts';

export function StatusBadge({
  status,
  guardrails,
}: {
  status: Status | null | undefined;
  guardrails?: readonly GuardrailCheck[];
}) {
  if (!status) return null;
  const broken = (guardrails ?? []).filter((g) => g.status === 'broken');
  if (broken.length === 0)
    return (
      <span class={`status ${status}`} data-status={status}>
        {statusLabel(status)}
      </span>
    );
  return (
    <span
      class={`status ${status} guardrail_broken`}
      data-status={status}
      data-guardrail="broken"
      title={broken.map((g) => `${g.name} must not ${g.must_not}`).join('; ')}
    >
      {status === 'on_track' ? 'met' : statusLabel(status)}, guardrail broken
    </span>
  );
}
