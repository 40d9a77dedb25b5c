// Keeps bench/RESULTS.md: one section per benchmark, replaced by its latest run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const FILE = new URL('./RESULTS.md', import.meta.url);
const TITLE =
  '# Benchmark results\n\nEach section is replaced by the latest run of `npm run bench` (or `npm run bench -- NAME`).\n';

export function writeSection(name: string, body: string): void {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : TITLE;
  const heading = `## ${name}\n`;
  const start = text.indexOf(heading);
  const section = `${heading}\n${body.trim()}\n\n`;
  if (start < 0) {
    writeFileSync(FILE, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  writeFileSync(FILE, text.slice(0, start) + section + (next < 0 ? '' : text.slice(next + 1)));
}
