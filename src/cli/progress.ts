// Shows ingestion progress: a bar on a terminal, plain lines when TENURE_PROGRESS=lines (for logs and
// tests), nothing otherwise.
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../ingest/ingest.ts';

export interface ProgressReporter {
  update(event: ProgressEvent): void;
  stop(): void;
}

export function progressReporter(enabled: boolean): ProgressReporter {
  if (process.env.TENURE_PROGRESS === 'lines') {
    return {
      update: (e) => process.stderr.write(`tenure: ${e.file.name}: ${e.stage}\n`),
      stop: () => undefined,
    };
  }
  if (!enabled || !process.stdout.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {percentage}% | {file}: {stage}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(e) {
      if (!started) {
        bar.start(Math.max(e.bytesTotal, 1), 0, { file: '', stage: '' });
        started = true;
      }
      bar.update(e.bytesDone, { file: e.file.name, stage: e.stage });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
