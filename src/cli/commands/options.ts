// Parsing of numeric command-line options, with messages that name the option.
import { badInput } from '../../errors/tenure-error.ts';

export function parseNumber(
  text: string,
  option: string,
  range: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const value = Number(text);
  const ok =
    text.trim() !== '' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.min === undefined || value >= range.min) &&
    (range.max === undefined || value <= range.max);
  if (!ok) {
    const bounds = [range.min !== undefined && `≥ ${range.min}`, range.max !== undefined && `≤ ${range.max}`]
      .filter(Boolean)
      .join(' and ');
    throw badInput(
      `${option} must be ${range.integer ? 'a whole number' : 'a number'}${bounds ? ` ${bounds}` : ''}, not '${text}'`,
      { field: option },
    );
  }
  return value;
}
