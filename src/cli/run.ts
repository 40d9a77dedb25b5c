// Entry point when run from source (npm start, tests): `tsx src/cli/run.ts ARGS`.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
