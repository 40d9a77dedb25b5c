// The time and segment controls every page shares, read from and written to the URL: from, to and grain;
// presets beside the dates (last 3, 6 or 12 months, year to date, last year, counted back from the data's
// end); on pages that apply them, "compare with the previous period" (`compare=previous`) and segment
// filters (`filter=plan:pro,channel:referral`, the API's own parameter).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { query } from '../api.ts';
import { useDataEnd } from '../data-end.ts';
import { PRESETS, presetOf, presetRange } from '../presets.ts';
import { GRAINS, type Range } from '../range.ts';
import { navigate, withParams } from '../router.ts';
import {
  FILTER_DIMENSIONS,
  filterLabel,
  filterParam,
  parseFilters,
  type SegmentFilter,
  withFilter,
} from '../segment-filter.ts';
import { useApi } from '../use-api.ts';

export function RangeControls({
  range,
  children,
  filters = false,
  compare = false,
}: {
  range: Range;
  children?: ComponentChildren;
  /** The page applies segment filters: offer them. */
  filters?: boolean;
  /** The page can draw the previous period beside this one: offer it. */
  compare?: boolean;
}) {
  const set = (key: string) => (e: Event) =>
    navigate(withParams({ [key]: (e.currentTarget as HTMLInputElement).value }));
  const asOf = useDataEnd();
  const chosen = asOf ? presetOf(range, asOf) : undefined;
  const params = new URLSearchParams(location.search);
  return (
    <form class="controls range-controls" onSubmit={(e) => e.preventDefault()}>
      <div class="control-row">
        <label>
          From <input type="date" name="from" value={range.from} onChange={set('from')} />
        </label>
        <label>
          To <input type="date" name="to" value={range.to} onChange={set('to')} />
        </label>
        <label>
          Grain{' '}
          <select name="grain" value={range.grain} onChange={set('grain')}>
            {GRAINS.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        {asOf ? (
          <fieldset class="toggle presets" aria-label="date presets">
            {PRESETS.map((p) => (
              <button
                type="button"
                key={p.id}
                data-preset={p.id}
                aria-pressed={chosen === p.id}
                onClick={() => navigate(withParams({ ...presetRange(p.id, asOf), period: undefined }))}
              >
                {p.label}
              </button>
            ))}
          </fieldset>
        ) : null}
        {compare ? (
          <label class="inline">
            <input
              type="checkbox"
              name="compare"
              checked={params.get('compare') === 'previous'}
              onChange={(e) =>
                navigate(
                  withParams({
                    compare: (e.currentTarget as HTMLInputElement).checked ? 'previous' : undefined,
                  }),
                )
              }
            />{' '}
            Compare with the previous period
          </label>
        ) : null}
        {children}
      </div>
      {filters ? <SegmentFilters active={parseFilters(params.get('filter'))} /> : null}
    </form>
  );
}

/** One list per dimension (all, or one of its values), an attribute by key, and the active filters. */
function SegmentFilters({ active }: { active: SegmentFilter[] }) {
  const apply = (next: SegmentFilter[]) =>
    navigate(withParams({ filter: filterParam(next), period: undefined }));
  const attributes = active.filter((f) => f.by.startsWith('attributes.'));
  return (
    <div class="control-row segment-filters" data-testid="filters">
      {FILTER_DIMENSIONS.map((by) => (
        <DimensionFilter
          key={by}
          by={by}
          value={active.find((f) => f.by === by)?.value ?? ''}
          onChange={(v) => apply(withFilter(active, by, v))}
        />
      ))}
      <AttributeFilter onAdd={(by, value) => apply(withFilter(active, by, value))} />
      {active.length > 0 ? (
        <p class="active-filters" data-testid="active-filters">
          Only {active.map(filterLabel).join(' · ')}{' '}
          {attributes.map((f) => (
            <button type="button" key={f.by} onClick={() => apply(withFilter(active, f.by, ''))}>
              Remove {f.by.slice('attributes.'.length)}
            </button>
          ))}{' '}
          <button type="button" data-testid="clear-filters" onClick={() => apply([])}>
            Clear filters
          </button>
        </p>
      ) : null}
    </div>
  );
}

function DimensionFilter({
  by,
  value,
  onChange,
}: {
  by: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const segments = useApi<{ values: { value: string; customers: number }[] }>(
    `/api/segments${query({ by })}`,
  );
  const values = segments.state === 'ready' ? segments.data.values.map((v) => v.value) : [];
  // A value set in the URL stays shown while the list loads (or if it is not among the customers).
  const shown = value && !values.includes(value) ? [value, ...values] : values;
  return (
    <label>
      {by[0]?.toUpperCase()}
      {by.slice(1)}{' '}
      <select
        name={`filter-${by}`}
        value={value}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">all</option>
        {shown.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Any key of the customers' attributes: its name and value, applied together. */
function AttributeFilter({ onAdd }: { onAdd: (by: string, value: string) => void }) {
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const ready = /^[A-Za-z0-9_.:-]{1,80}$/.test(key) && value.trim() !== '' && !/[,:]/.test(value);
  return (
    <div class="attribute-filter">
      <label>
        Attribute{' '}
        <input
          name="attribute-key"
          placeholder="industry"
          value={key}
          size={10}
          onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value.trim())}
        />
      </label>
      <label>
        equals{' '}
        <input
          name="attribute-value"
          placeholder="retail"
          value={value}
          size={10}
          onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <button
        type="button"
        disabled={!ready}
        onClick={() => {
          onAdd(`attributes.${key}`, value.trim());
          setKey('');
          setValue('');
        }}
      >
        Add filter
      </button>
    </div>
  );
}
