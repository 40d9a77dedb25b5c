// A card's sparkline: a plain SVG polyline (45 cards need no chart instances); gaps where a value is null.
export function Sparkline({ values }: { values: (number | null)[] }) {
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return <svg class="sparkline" viewBox="0 0 100 24" aria-hidden="true" />;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const span = max - min || 1;
  const step = 100 / Math.max(1, values.length - 1);
  const segments: string[][] = [[]];
  values.forEach((v, i) => {
    if (v === null) segments.push([]);
    else segments.at(-1)?.push(`${(i * step).toFixed(1)},${(22 - ((v - min) / span) * 20).toFixed(1)}`);
  });
  return (
    <svg class="sparkline" viewBox="0 0 100 24" preserveAspectRatio="none" aria-hidden="true">
      {segments
        .filter((s) => s.length > 1)
        .map((s) => (
          <polyline key={s[0]} points={s.join(' ')} />
        ))}
    </svg>
  );
}
