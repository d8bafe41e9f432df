// Runs bench/mock-upstream.ts as its own process for `npm run bench:proxy`, so the mock's work
// never competes with the load driver's event loop; prints its origin as one JSON line.

import { startMockUpstream } from "./mock-upstream.ts";

const mock = await startMockUpstream();
console.log(JSON.stringify({ origin: mock.origin }));
process.on("SIGTERM", () => void mock.close().then(() => process.exit(0)));
