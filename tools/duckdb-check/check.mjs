// Checks Parquet files with DuckDB, an independent reader, against the project's own reader.
//
// For every .parquet file under the given folders it runs `backtest inspect FILE --json` (the
// project's reader) and reads the same file with DuckDB, then compares: column names, types and
// nullability; row count; row groups (rows, codec, null counts, min/max statistics); key-value
// metadata; and every value, exactly (64-bit integers, decimals and timestamps as integers or
// exact decimal strings, dates as day numbers, doubles bit for bit apart from NaN payloads).
// Exits 0 when all files agree, 1 naming the file, column and row of the first difference in a
// file, 2 for bad usage or when no file was found. Folders of Hive partitions (shard=N, as a
// sharded study writes) are also read as one dataset each, and their per-shard counts compared.
//
// Usage: node check.mjs [--backtest "CMD"] [--duckdb-samples DIR] FOLDER...
//   --backtest        command that runs the project's CLI (default: dotnet on the Release build)
//   --duckdb-samples  first write Parquet files made by DuckDB into DIR (and check DIR too), so the
//                     project's reader is also checked on files it did not write
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function parseArgs(argv) {
  const options = { backtest: null, duckdbSamples: null, folders: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--backtest') options.backtest = argv[++i];
    else if (arg === '--duckdb-samples') options.duckdbSamples = argv[++i];
    else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else options.folders.push(arg);
  }
  if (options.duckdbSamples) options.folders.push(options.duckdbSamples);
  if (options.folders.length === 0) usage('no folder given');
  return options;
}

function usage(message) {
  console.error(`duckdb-check: ${message}\nusage: node check.mjs [--backtest "CMD"] [--duckdb-samples DIR] FOLDER...`);
  process.exit(2);
}

function parquetFiles(folder) {
  const found = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...parquetFiles(path));
    else if (entry.name.endsWith('.parquet')) found.push(path);
  }
  return found.sort();
}

function backtestCommand(option) {
  if (option) return option.split(' ').filter((part) => part.length > 0);
  const dll = join(repoRoot, 'src/Backtest.Cli/bin/Release/net10.0/backtest.dll');
  if (!existsSync(dll)) usage(`${dll} not found: build the CLI (dotnet build -c Release) or pass --backtest`);
  return ['dotnet', dll];
}

class Difference extends Error {}

function differ(where, ours, duck) {
  throw new Difference(`${where}: project reader says ${show(ours)}, DuckDB says ${show(duck)}`);
}

function show(value) {
  if (typeof value === 'bigint') return `${value}`;
  // DuckDB's value objects (decimals, dates, timestamps) print themselves.
  if (value !== null && typeof value === 'object') return String(value);
  return JSON.stringify(value);
}

const duckTypes = {
  INT32: 'INTEGER', INT64: 'BIGINT', DOUBLE: 'DOUBLE', BOOLEAN: 'BOOLEAN', STRING: 'VARCHAR', DATE: 'DATE',
  TIMESTAMP: 'TIMESTAMP WITH TIME ZONE',
};

function expectedDuckType(type) {
  return type.startsWith('DECIMAL') ? type : duckTypes[type];
}

function decimalText(unscaled, scale) {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

function sameDouble(oursText, duck) {
  if (typeof duck !== 'number') return false;
  if (oursText === 'NaN') return Number.isNaN(duck);
  return Object.is(Number(oursText), duck);
}

// Compares one value of the dump with DuckDB's value; returns true when equal.
function sameValue(type, ours, duck) {
  if (ours === null || duck === null) return ours === duck;
  if (type === 'INT64') return typeof duck === 'bigint' && duck.toString() === ours;
  if (type === 'INT32') return duck === ours;
  if (type === 'DOUBLE') return sameDouble(ours, duck);
  if (type === 'BOOLEAN' || type === 'STRING') return duck === ours;
  if (type === 'DATE') return duck.days === ours;
  if (type === 'TIMESTAMP') return duck.micros !== undefined && duck.micros.toString() === ours;
  if (type.startsWith('DECIMAL')) return duck.value !== undefined && decimalText(duck.value, duck.scale) === ours;
  throw new Difference(`unknown column type ${type} in the dump`);
}

// Exact unscaled integer of decimal text ("-12.5", "-.5", "3"), so formats that differ only in
// leading zeros compare equal and nothing goes through a double.
function decimalTextToUnscaled(text, scale) {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[3] ?? '').length > scale) return null;
  const unscaled = BigInt((m[2] || '0') + (m[3] ?? '').padEnd(scale, '0'));
  return m[1] === '-' ? -unscaled : unscaled;
}

function daysToIso(days) {
  return new Date(days * 86400000).toISOString().slice(0, 10);
}

// DuckDB prints timestamp statistics as "YYYY-MM-DD HH:MM:SS[.ffffff]+00" (session time zone UTC).
function timestampTextToMicros(text) {
  const m = /^(-?\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?\+00$/.exec(text);
  if (!m) return null;
  const millis = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return BigInt(millis) * 1000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

// Compares a statistics bound of the dump with DuckDB's text form of it.
function sameBound(type, ours, duckText) {
  if (ours === null || ours === undefined) return duckText === null;
  if (duckText === null && type !== 'DOUBLE') return false;
  if (type === 'INT32') return String(ours) === duckText;
  // DuckDB's parquet_metadata prints no infinite double bound (its own writer leaves them out).
  if (type === 'DOUBLE' && duckText === null) return ours === 'Infinity' || ours === '-Infinity';
  if (type === 'DOUBLE') return sameDouble(ours, Number(duckText));
  if (type === 'BOOLEAN') return String(ours) === duckText;
  if (type === 'DATE') return daysToIso(ours) === duckText;
  if (type === 'TIMESTAMP') return timestampTextToMicros(duckText)?.toString() === ours;
  if (type.startsWith('DECIMAL')) {
    const scale = Number(/,(\d+)\)/.exec(type)[1]);
    const duck = decimalTextToUnscaled(duckText, scale);
    return duck !== null && duck === decimalTextToUnscaled(ours, scale);
  }
  return ours === duckText;
}

function inspect(command, file) {
  const run = spawnSync(command[0], [...command.slice(1), 'inspect', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) throw new Difference(`project reader failed (exit ${run.status}): ${(run.stderr || run.error?.message || '').trim()}`);
  return JSON.parse(run.stdout);
}

async function rows(connection, sql, params) {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjects();
}

async function checkFile(connection, command, file) {
  const dump = inspect(command, file);
  const schema = dump.schema;

  const described = await rows(connection, 'DESCRIBE SELECT * FROM read_parquet($1, hive_partitioning = false)', [file]);
  if (described.length !== schema.length) differ('column count', schema.length, described.length);
  const repetition = new Map(
    (await rows(connection, 'SELECT name, repetition_type FROM parquet_schema($1) WHERE num_children IS NULL', [file]))
      .map((r) => [r.name, r.repetition_type]));
  schema.forEach((column, i) => {
    const duck = described[i];
    if (duck.column_name !== column.name) differ(`column ${i} name`, column.name, duck.column_name);
    if (duck.column_type !== expectedDuckType(column.type)) differ(`column '${column.name}' type`, column.type, duck.column_type);
    const nullable = repetition.get(column.name) === 'OPTIONAL';
    if (nullable !== column.nullable) differ(`column '${column.name}' nullability`, column.nullable, repetition.get(column.name));
  });

  const [{ n }] = await rows(connection, 'SELECT count(*) AS n FROM read_parquet($1, hive_partitioning = false)', [file]);
  if (Number(n) !== dump.rows) differ('row count', dump.rows, Number(n));

  const kv = await rows(connection, 'SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata($1)', [file]);
  const duckKv = Object.fromEntries(kv.map((r) => [r.k, r.v]));
  for (const key of new Set([...Object.keys(dump.metadata), ...Object.keys(duckKv)])) {
    if (dump.metadata[key] !== duckKv[key]) differ(`metadata '${key}'`, dump.metadata[key], duckKv[key]);
  }

  const chunks = await rows(connection,
    `SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, compression, stats_null_count,
            stats_min_value, stats_max_value
       FROM parquet_metadata($1) ORDER BY row_group_id, column_id`, [file]);
  if (chunks.length !== dump.row_groups.length * schema.length) differ('column chunks', dump.row_groups.length * schema.length, chunks.length);
  for (const chunk of chunks) {
    const g = Number(chunk.row_group_id);
    const group = dump.row_groups[g];
    const ours = group.columns[Number(chunk.column_id)];
    const type = schema[Number(chunk.column_id)].type;
    const where = `row group ${g} column '${ours.name}'`;
    if (Number(chunk.row_group_num_rows) !== group.rows) differ(`${where} rows`, group.rows, Number(chunk.row_group_num_rows));
    if (chunk.path_in_schema !== ours.name) differ(`${where} path`, ours.name, chunk.path_in_schema);
    if (chunk.compression !== ours.codec) differ(`${where} codec`, ours.codec, chunk.compression);
    if ((ours.null_count ?? null) !== (chunk.stats_null_count === null ? null : Number(chunk.stats_null_count))) {
      differ(`${where} null count`, ours.null_count, chunk.stats_null_count);
    }
    if (!sameBound(type, ours.min, chunk.stats_min_value)) differ(`${where} min statistic`, ours.min, chunk.stats_min_value);
    if (!sameBound(type, ours.max, chunk.stats_max_value)) differ(`${where} max statistic`, ours.max, chunk.stats_max_value);
  }

  const result = await connection.stream('SELECT * FROM read_parquet($1, hive_partitioning = false)', [file]);
  let row = 0;
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (const values of chunk.getRows()) {
      schema.forEach((column, c) => {
        const ours = dump.data[column.name][row];
        if (ours === undefined) differ(`column '${column.name}' row ${row}`, 'no such row', values[c]);
        if (!sameValue(column.type, ours, values[c])) differ(`column '${column.name}' row ${row}`, ours, values[c]);
      });
      row++;
    }
  }
  if (row !== dump.rows) differ('rows read', dump.rows, row);
  return { rows: dump.rows, summary: `${dump.rows} rows, ${dump.row_groups.length} row groups, ${schema.length} columns` };
}

// Folders whose subfolders are all Hive partitions `shard=N` (a sharded study's paths/ and
// series/, docs/distributed.md): DuckDB must read each as one dataset with a `shard` column
// holding, per shard, the rows the project's reader counted in that shard's files (a shard
// with no rows has no group). Single files are read above with hive_partitioning off, so the
// partition column does not appear there.
function hiveDatasets(folder) {
  const found = [];
  const children = readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.'));
  if (children.length > 0 && children.every((e) => /^shard=\d+$/.test(e.name))) found.push(folder);
  else for (const child of children) found.push(...hiveDatasets(join(folder, child.name)));
  return found;
}

async function checkHiveDataset(connection, dataset, rowsByFile) {
  const ours = new Map();
  for (const [file, rows] of rowsByFile) {
    const match = file.startsWith(dataset) && /[\\/]shard=(\d+)[\\/][^\\/]+\.parquet$/.exec(file.slice(dataset.length));
    if (match && rows > 0) ours.set(Number(match[1]), (ours.get(Number(match[1])) ?? 0) + rows);
  }
  const duck = await rows(connection,
    'SELECT shard, count(*) AS n FROM read_parquet($1, hive_partitioning = true) GROUP BY shard ORDER BY shard', [join(dataset, '*', '*.parquet')]);
  if (duck.length !== ours.size) differ('shards', ours.size, duck.length);
  for (const { shard, n } of duck) {
    if (ours.get(Number(shard)) !== Number(n)) differ(`shard ${shard} rows`, ours.get(Number(shard)), Number(n));
  }
  return `${duck.length} shards, ${[...ours.values()].reduce((a, b) => a + b, 0)} rows`;
}

// Parquet files written by DuckDB itself, covering the types, codecs and null patterns the
// project's reader supports, so that reader is checked on another writer's output too.
async function writeDuckdbSamples(connection, folder) {
  mkdirSync(folder, { recursive: true });
  const select = `
    SELECT i::BIGINT AS id,
           (i % 1000)::INTEGER AS step,
           CASE WHEN i % 7 = 3 THEN NULL ELSE (i * 1.5 - 1000)::DOUBLE END AS price,
           (i % 3 = 0) AS flag,
           CASE WHEN i % 11 = 5 THEN NULL ELSE 'label_' || (i % 37)::VARCHAR END AS label,
           (DATE '2019-01-01' + (i % 2000)::INTEGER) AS day,
           CASE WHEN i % 5 = 1 THEN NULL ELSE (TIMESTAMPTZ '2019-01-01 00:00:00+00' + to_microseconds(i * 1000003)) END AS at,
           (i * 123.456789 - 5)::DECIMAL(18,9) AS amount
      FROM range(0, 25000) t(i)`;
  const made = [];
  for (const codec of ['uncompressed', 'snappy', 'gzip']) {
    const path = join(folder, `duckdb_${codec}.parquet`);
    await connection.run(`COPY (${select}) TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 10000)`);
    made.push(path);
  }
  return made;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const command = backtestCommand(options.backtest);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  if (options.duckdbSamples) await writeDuckdbSamples(connection, options.duckdbSamples);

  const files = [];
  for (const folder of options.folders) {
    if (!existsSync(folder) || !statSync(folder).isDirectory()) usage(`${folder} is not a folder`);
    files.push(...parquetFiles(folder));
  }
  if (files.length === 0) usage(`no .parquet files under ${options.folders.join(', ')}`);

  let passed = 0;
  let failed = 0;
  const rowsByFile = new Map();
  for (const file of files) {
    try {
      const { rows: count, summary } = await checkFile(connection, command, file);
      rowsByFile.set(file, count);
      console.log(`ok    ${file}  (${summary})`);
      passed++;
    } catch (error) {
      if (!(error instanceof Difference)) throw error;
      console.log(`FAIL  ${file}: ${error.message}`);
      failed++;
    }
  }
  for (const dataset of options.folders.flatMap(hiveDatasets)) {
    try {
      console.log(`ok    ${dataset}/  (Hive dataset: ${await checkHiveDataset(connection, dataset, rowsByFile)})`);
      passed++;
    } catch (error) {
      if (!(error instanceof Difference)) throw error;
      console.log(`FAIL  ${dataset}/: ${error.message}`);
      failed++;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
