// `calybris keygen --name <name>`: a new Ed25519 checkpoint key pair. The shell draws 32 bytes
// from node:crypto and prints the two key texts that src/ledger/note-key-pair.ts derives; stdout
// holds only the keys (line 1 signer, line 2 verifier), so it can be piped. Exit: 0, or 2 on usage.

import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { DEV_KEY_NAME, KEY_SEED_BYTES, noteKeyPair } from "../ledger/note-key-pair.ts";
import type { Output } from "./verify-command.ts";

export const KEYGEN_USAGE = `Usage: calybris keygen --name <name>

Prints a new Ed25519 checkpoint key pair in the C2SP signed-note key formats:
  line 1  the signer key   PRIVATE+KEY+<name>+<key id>+<base64>   secret: CHECKPOINT_SIGNING_KEY
  line 2  the verifier key <name>+<key id>+<base64>               public: GET /v1/keys serves it
The name may not be empty or hold '+' or white space. Use the deployment's
CHECKPOINT_ORIGIN_PREFIX (README, "Deploying"), for example:
  calybris keygen --name calybris.example.com/ledger

Options:
  --name <name>   the key name that every checkpoint signature line will carry
  -h, --help      show this help
`;

/** Returns `bytes` fresh random bytes; tests pass a fixed source. */
export type RandomSource = (bytes: number) => Uint8Array;

const nodeRandom: RandomSource = (bytes) => new Uint8Array(randomBytes(bytes));

export async function runKeygen(argv: readonly string[], output: Output, random: RandomSource = nodeRandom): Promise<number> {
  const usage = (message: string): number => {
    output.stderr(`calybris keygen: ${message}\n\n${KEYGEN_USAGE}`);
    return 2;
  };
  let args;
  try {
    args = parseArgs({ args: [...argv], options: { name: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  if (args.values.help === true) {
    output.stdout(KEYGEN_USAGE);
    return 0;
  }
  const name = args.values.name;
  if (name === undefined) return usage("--name is required");
  // docs/dev-signing-key.md publishes the private half of the key with this name.
  if (name === DEV_KEY_NAME) return usage(`--name ${DEV_KEY_NAME} belongs to the public development key; choose your own`);
  const pair = noteKeyPair(name, random(KEY_SEED_BYTES));
  if (!pair.ok) return usage(`--name is not a valid key name: ${pair.detail}`);
  output.stdout(`${pair.signerKey}\n${pair.verifierKey}\n`);
  output.stderr(
    "calybris keygen: line 1 is the signer key: keep it secret (npx wrangler secret put CHECKPOINT_SIGNING_KEY),\n" +
      "never commit it. Line 2 is the verifier key: publish it; calybris verify --key takes it.\n",
  );
  return 0;
}
