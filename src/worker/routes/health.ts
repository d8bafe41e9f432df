// GET /health, and the deployment check behind it: every request runs it (memoized on the
// settings' values), so a missing or malformed secret is logged as one JSON line per isolate even
// if nobody asks /health, and /health answers 503 configuration_invalid naming each problem.

import type { Context } from "hono";
import { CHECKED_SETTINGS, deploymentProblems, type DeploymentEnv, type SettingProblem } from "../deployment-check.ts";
import { problem } from "../problem.ts";

export type ProblemLog = (problems: readonly SettingProblem[]) => void;

const consoleLog: ProblemLog = (problems) => console.error(JSON.stringify({ level: "error", event: "configuration_invalid", problems }));

// The settings last checked and what was found. An isolate's env does not change between
// requests, so in production the check runs and logs once per isolate.
let checkedValues: readonly unknown[] | null = null;
let found: readonly SettingProblem[] = [];

/** The deployment's problems; logs them when they differ from the last ones found, if any. */
export function deploymentStatus(env: DeploymentEnv, log: ProblemLog = consoleLog): readonly SettingProblem[] {
  const values = CHECKED_SETTINGS.map((name) => env[name]);
  if (checkedValues !== null && values.every((value, index) => value === checkedValues![index])) return found;
  const problems = deploymentProblems(env);
  const changed = JSON.stringify(problems) !== JSON.stringify(found);
  checkedValues = values;
  found = problems;
  if (changed && problems.length > 0) log(problems);
  return problems;
}

// A plain Context (as in docs.ts) rather than AppContext, whose Env type exists only in the worker's
// tsconfig: this module reads the settings alone, and Node tests import it.
function settingsOf(c: Context): DeploymentEnv {
  return c.env as DeploymentEnv;
}

/** Middleware: checks (and if need be logs) the configuration, then serves the request as usual. */
export async function checkDeployment(c: Context, next: () => Promise<void>): Promise<void> {
  deploymentStatus(settingsOf(c));
  await next();
}

export function healthRoute(c: Context): Response {
  const problems = deploymentStatus(settingsOf(c));
  if (problems.length === 0) return c.json({ status: "ok" });
  const detail = problems.map((item) => item.detail).join("; ");
  return problem(c, "configuration_invalid", detail, { reasons: problems });
}
