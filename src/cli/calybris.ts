// calybris: the Node CLI (DESIGN.md "Layers", src/cli). Dispatches a subcommand and turns its
// result into the exit status; it sets process.exitCode instead of exiting, so piped output is
// always flushed. Run it with `npm run calybris -- <command>` or `npx calybris <command>`.

import { runEvaluate } from "./evaluate-command.ts";
import { runKeygen } from "./keygen-command.ts";
import { runPilot } from "./pilot-command.ts";
import { runReplay } from "./replay-command.ts";
import { runVerify, type Output } from "./verify-command.ts";

export const USAGE = `Usage: calybris <command> [options]

Commands:
  verify <file>        verify a JSONL chain export offline (calybris verify --help)
  evaluate <file>      regret and off-policy estimates from a chain export (calybris evaluate --help)
  replay <dataset>     replay a real data set against baselines (calybris replay --help)
  pilot <file.jsonl>   what Calybris would have saved on your own routing logs (calybris pilot --help)
  keygen --name <name> a new checkpoint signing key and its verifier key (calybris keygen --help)

Run with \`npm run calybris -- <command>\` or \`npx calybris <command>\` (Node 22.18 or later).
`;

const COMMANDS: Record<string, (argv: readonly string[], output: Output) => Promise<number>> = {
  verify: runVerify,
  evaluate: runEvaluate,
  replay: runReplay,
  pilot: runPilot,
  keygen: runKeygen,
};

export async function main(argv: readonly string[], output: Output): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    (command === undefined ? output.stderr : output.stdout)(USAGE);
    return command === undefined ? 2 : 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) {
    output.stderr(`calybris: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return 2;
  }
  return run(rest, output);
}

const processOutput: Output = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

process.exitCode = await main(process.argv.slice(2), processOutput);
