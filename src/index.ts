// Tenure as a library: the same operations the CLI runs, typed. Open a warehouse (a DuckDB file or a
// postgres:// URL), load a folder of canonical files into it, compute any KPIs of the catalog over periods
// and breakdowns, and read the views behind them. Every KPI comes back as the same KpiResult shape.
export { CATALOG, type Catalog, definitionHash, getDefinition } from './catalog/catalog.ts';
export type { KpiDefinition } from './catalog/definition.ts';
export { loadProjectFile, parseProjectFile } from './catalog/project-file.ts';
export { type ComputeRequest, computeKpis } from './compiler/compute.ts';
export { DIMENSIONS } from './compiler/dimensions.ts';
export { type Grain, type Period, periodsBetween } from './compiler/periods.ts';
export { RunRollups } from './compiler/rollups/run-rollups.ts';
export { type CohortSbgReport, cohortSbg } from './compiler/survival/cohort-sbg.ts';
export { churnHazards, hazardCells } from './compiler/survival/hazard-cells.ts';
export { type SurvivalReport, survivalBySegment } from './compiler/survival/survival.ts';
export { type ActivationCohorts, activationCohorts } from './compiler/views/activation-cohorts.ts';
export { type CohortMatrix, cohortMatrix } from './compiler/views/cohort-matrix.ts';
export { type FunnelRow, funnelSteps } from './compiler/views/funnel.ts';
export { type LifecycleRow, userLifecycle } from './compiler/views/lifecycle.ts';
export { type MrrBridgeRow, mrrBridge } from './compiler/views/mrr-bridge.ts';
export { TenureError } from './errors/tenure-error.ts';
export * from './experiments/outcomes/index.ts';
export * from './experiments/registry/index.ts';
export * from './experiments/stats/index.ts';
export { type IngestOptions, type IngestReport, ingest } from './ingest/ingest.ts';
export { ingestInto } from './ingest/publish-target.ts';
export * from './models/index.ts';
export type { Flag, KpiResult } from './results/kpi-result.ts';
export { type RiskOptions, type RiskReport, riskReport, scoreCustomers, trainRisk } from './risk/risk.ts';
export { type GenerateSummary, generateCompany } from './synth/generate.ts';
export { DuckDBEngine } from './warehouse/duckdb/duckdb-engine.ts';
export type { Engine, Row } from './warehouse/engine.ts';
export { openWarehouse } from './warehouse/open.ts';
export { PostgresEngine } from './warehouse/postgres/postgres-engine.ts';
