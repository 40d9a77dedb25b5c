// The data's end (`as_of` of /api/health/data), which the shell reads once, for every page: the range
// presets count their months back from it.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const DataEndContext = createContext<string | null>(null);

export const useDataEnd = (): string | null => useContext(DataEndContext);
