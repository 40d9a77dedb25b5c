// No SQL outside src/warehouse/ names an engine: every engine-specific spelling (casts to TIMESTAMPTZ,
// epochs, series, percentiles, bit operations, intervals, temporary tables, the schema's catalog, `::`
// casts) is asked of the dialect (src/warehouse/engine.ts), and no code branches on the engine's name or
// class. The check reads the text of every string literal (SQL is written in them) and, for the engine
// branches, the code around them; comments are skipped.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

/**
 * Files whose SQL runs only on DuckDB by design: ingestion validates every load in an embedded DuckDB,
 * whatever the target (a DuckDB file, PostgreSQL or ClickHouse), and these build that staging SQL on a
 * `DuckDBEngine`. What a load writes to the target goes through the dialect (publish-target.ts).
 */
const DUCKDB_STAGING = new Set([
  'src/ingest/stage-source.ts',
  'src/ingest/typed-stage.ts',
  'src/ingest/json-values.ts',
  'src/ingest/refused.ts',
  'src/ingest/outcome.ts',
  'src/ingest/known-rows.ts',
  'src/ingest/staged-sql.ts',
  'src/ingest/stage-table.ts',
  'src/ingest/stage-tables.ts',
  'src/ingest/ingest.ts',
  'src/ingest/publish-clickhouse.ts',
  // The generator's own checks recompute its truth in DuckDB.
  'src/synth/test-helpers.ts',
]);

/** Spellings one engine has and another lacks, in SQL text. */
const IN_SQL: readonly (readonly [RegExp, string])[] = [
  [/\bTIMESTAMPTZ\b/i, 'the instant type (dialect.cast(…, "timestamp"))'],
  [/EXTRACT\s*\(\s*EPOCH/i, 'epoch seconds (dialect.epochSeconds)'],
  [/\bepoch_(us|ms)\b/i, 'epoch arithmetic (dialect.epochSeconds)'],
  [/\bgenerate_series\b|\bnumbers\s*\(/i, 'a series of integers (dialect.series)'],
  [/\bpercentile_(cont|disc)\b|\bquantile\w*\(/i, 'a percentile (dialect.percentileCont)'],
  [/\bbit_(or|and|count)\b|\bgroupBit\w+|\bbitCount\b/i, 'a bit operation (dialect.bitOr, bitCount)'],
  [/<</, 'a bit shift (dialect.shiftLeft)'],
  [/\w\s&\s\w|\)\s*&\s*\(/, 'a bitwise AND (dialect.bitAnd)'],
  [/\b(lag|lead)\s*\(/i, 'the previous or next row (dialect.lag, dialect.lead: NULL where there is none)'],
  [/INTERVAL\s+'/i, 'an interval (dialect.addInterval)'],
  [/\bto(Interval)?(Day|Month)s?\(/, 'an interval (dialect.addInterval)'],
  [/\bTEMP(ORARY)?\s+(TABLE|MACRO)\b/i, 'a temporary table (dialect.createTableAs)'],
  [/\bCREATE\s+(OR\s+REPLACE\s+)?TABLE\b(?!\s+IF\s+NOT\s+EXISTS\s+\$\{)/i, 'a table (dialect.createTableAs)'],
  [
    /information_schema|current_schema|duckdb_\w+\(|pg_catalog|system\.(tables|columns)/i,
    "the schema's catalog (dialect.tableNamesSql)",
  ],
  [/[\w)]::[A-Za-z]/, 'a :: cast (CAST(… AS …), or dialect.cast)'],
  [
    /\bchr\(|\bdate_trunc\b|\bstrftime\b|\bto_char\b|\bdate_?diff\b|\bage\(/i,
    'calendar arithmetic (the dialect)',
  ],
  [/\blist_\w+\(|\barray_agg\b|\bunnest\s*\(|\blambda \w+:/i, 'lists (no engine-neutral spelling)'],
];

/** Branches on which engine runs, in code. */
const IN_CODE: readonly (readonly [RegExp, string])[] = [
  [/dialect\.name\b/, 'a branch on the engine (ask a capability: dialect.capabilities)'],
  [/instanceof\s+(DuckDB|Postgres|ClickHouse)Engine\b/, 'a branch on the engine class (the engine registry)'],
];

interface Piece {
  readonly kind: 'code' | 'string';
  readonly text: string;
  readonly line: number;
}

/** Splits TypeScript into code and string-literal text (template literals' `${…}` is code), comments dropped. */
export function pieces(source: string): Piece[] {
  const out: Piece[] = [];
  let line = 1;
  let i = 0;
  let buf = '';
  let bufLine = 1;
  /** Open `${` of template literals: the brace depth each one's code started at. */
  const templates: number[] = [];
  let depth = 0;
  const flush = (kind: Piece['kind']) => {
    if (buf) out.push({ kind, text: buf, line: bufLine });
    buf = '';
    bufLine = line;
  };
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) if (source[i + k] === '\n') line++;
    i += n;
  };
  const readTemplate = () => {
    // At the character after a backtick or a closing `}` of `${…}`: string text to the next ` or ${.
    flush('code');
    while (i < source.length) {
      const c = source[i];
      if (c === '\\') {
        buf += source.slice(i, i + 2);
        advance(2);
      } else if (c === '`') {
        flush('string');
        advance(1);
        return;
      } else if (c === '$' && source[i + 1] === '{') {
        flush('string');
        advance(2);
        templates.push(depth);
        depth++;
        return;
      } else {
        buf += c;
        advance(1);
      }
    }
  };
  while (i < source.length) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') advance(1);
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      advance((end < 0 ? source.length : end + 2) - i);
    } else if (c === "'" || c === '"') {
      flush('code');
      advance(1);
      while (i < source.length && source[i] !== c && source[i] !== '\n') {
        if (source[i] === '\\') {
          buf += source.slice(i, i + 2);
          advance(2);
        } else {
          buf += source[i];
          advance(1);
        }
      }
      flush('string');
      advance(1);
    } else if (c === '`') {
      advance(1);
      readTemplate();
    } else if (c === '{') {
      depth++;
      buf += c;
      advance(1);
    } else if (c === '}') {
      depth--;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        advance(1);
        readTemplate();
      } else {
        buf += c;
        advance(1);
      }
    } else {
      buf += c;
      advance(1);
    }
  }
  flush('code');
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every engine-specific spelling outside src/warehouse/, as `file:line: what`. */
function findings(): string[] {
  const found: string[] = [];
  for (const path of sourceFiles(SRC)) {
    const file = relative(ROOT, path).replaceAll('\\', '/');
    if (file.startsWith('src/warehouse/')) continue;
    for (const p of pieces(readFileSync(path, 'utf8'))) {
      const rules = p.kind === 'code' ? IN_CODE : DUCKDB_STAGING.has(file) ? [] : IN_SQL;
      for (const [pattern, what] of rules) {
        const m = pattern.exec(p.text);
        if (!m) continue;
        const line = p.line + (p.text.slice(0, m.index).match(/\n/g)?.length ?? 0);
        found.push(`${file}:${line}: ${what}: ${m[0]}`);
      }
    }
  }
  return found;
}

test('the tokenizer tells SQL text from code and comments', () => {
  // TypeScript source as text: a template literal holding a call whose argument is another template.
  const open = '$' + '{';
  const text = `const a = \`SELECT ${open}f(\`x ${open}'y'}\`)} FROM t\`; // CAST(x AS TIMESTAMPTZ)\nconst b = 'z';`;
  const strings = pieces(text)
    .filter((p) => p.kind === 'string')
    .map((p) => p.text);
  assert.deepEqual(strings, ['SELECT ', 'x ', 'y', ' FROM t', 'z']);
  assert.ok(pieces(text).every((p) => !p.text.includes('TIMESTAMPTZ')));
});

test('no engine-specific SQL spelling or engine branch outside src/warehouse/', () => {
  const found = findings();
  assert.deepEqual(found, [], `${found.length} spellings to move into the dialect:\n${found.join('\n')}`);
});
