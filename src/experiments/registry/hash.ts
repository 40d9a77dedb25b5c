// A plan's identity: sha256 of its canonical JSON (keys sorted, defaults filled in), the catalog's rule for
// definitions. Two files that say the same thing, in any order or with a default written out, hash alike.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../catalog/catalog.ts';
import type { Plan } from './plan.ts';

export const planJson = (plan: Plan): string => canonicalJson(plan);

export const planHash = (plan: Plan): string => createHash('sha256').update(planJson(plan)).digest('hex');
