// The Hono environment every route shares: the worker's bindings and the request id.
import type { Context } from "hono";

export type AppEnv = { Bindings: Env; Variables: { requestId: string } };
export type AppContext = Context<AppEnv>;
