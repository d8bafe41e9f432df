// Worker thread of `calybris verify`: checks blocks of export lines (block-check.ts) and sends
// each block back with its result. It keeps no state between blocks and never decides damage:
// the main thread does, in file order (ordered-verifier.ts).

import { parentPort } from "node:worker_threads";
import { BlockChecker } from "./block-check.ts";

if (parentPort === null) throw new Error("verify-worker.ts runs only as a worker thread");
const port = parentPort;
const checker = new BlockChecker();

port.on("message", (message: { id: number; block: Uint8Array }) => {
  const check = checker.check(message.block);
  port.postMessage({ id: message.id, block: message.block, check }, [
    message.block.buffer as ArrayBuffer,
    check.lineEnds.buffer as ArrayBuffer,
  ]);
});
