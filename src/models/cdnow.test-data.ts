// The CDNOW calibration sample (examples/cdnow, shipped with the repository) for the models' tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CdnowCustomer {
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
}

export const CDNOW_RFM = join(import.meta.dirname, '..', '..', 'examples', 'cdnow', 'cdnow_rfm.csv');

export function loadCdnow(): CdnowCustomer[] {
  const lines = readFileSync(CDNOW_RFM, 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [, frequency, recency, T, monetaryValue] = line.split(',').map(Number);
    return {
      frequency: frequency as number,
      recency: recency as number,
      T: T as number,
      monetaryValue: monetaryValue as number,
    };
  });
}
