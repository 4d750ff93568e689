// Entry of `npm run kairos -- <command>`.
import { runCli } from './cli/program.ts';
import { loadConfigOrExit } from './config.ts';

const config = loadConfigOrExit();
const code = await runCli(process.argv.slice(2), config, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
process.exitCode = code;
