// The project's currency (`currency:` in tenure.yaml, from /api/catalog) for every page: the shell
// provides it, and `useMoney` gives the options the shared formats take, so a page never writes money
// without its symbol.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { DEFAULT_CURRENCY, type FormatOptions } from '../../src/results/format.ts';

export const CurrencyContext = createContext(DEFAULT_CURRENCY);

/** The format options of the project's currency ({currency: 'EUR'}), for formatValue and the rest. */
export function useMoney(): FormatOptions {
  const currency = useContext(CurrencyContext);
  return { currency };
}
