#!/usr/bin/env node
// Launcher for `npx calybris` and the package bin: re-executes src/cli/calybris.ts with the Node
// that runs this file, which must strip TypeScript types itself (Node 22.18 or later). Through
// npm or npx the project's own Node 22 (the "node" devDependency) is first on PATH.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `calybris needs Node 22.18 or later to run its TypeScript sources; this is Node ${process.versions.node}.\n` +
      "Run it via `npm run calybris -- <command>` or `npx calybris <command>`, which use the project's Node 22.\n",
  );
  process.exit(2);
}

const entry = fileURLToPath(new URL("../src/cli/calybris.ts", import.meta.url));
const child = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], { stdio: "inherit" });
if (child.error !== undefined) {
  process.stderr.write(`calybris: cannot start ${process.execPath}: ${child.error.message}\n`);
  process.exit(2);
}
// A child ended by a signal ends this process the same way, so callers see the same status.
if (child.signal !== null) process.kill(process.pid, child.signal);
process.exit(child.status ?? 2);
