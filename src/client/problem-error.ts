// What the client throws: the server's RFC 9457 problem as it was answered, so a caller branches
// on `code` (the same codes the API documents) instead of parsing messages.

import type { z } from "zod";
import type { Problem } from "../worker/schemas.ts";

export type ProblemBody = z.infer<typeof Problem>;

/** The API answered a problem (4xx/5xx); `problem` is its body, `status` the HTTP status. */
export class CalybrisProblemError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;

  constructor(problem: ProblemBody) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = "CalybrisProblemError";
    this.status = problem.status;
    this.problem = problem;
  }
}

/**
 * The request never reached an answer the client understands: refused before sending (a body its
 * own schema rejects), or an answer that is neither the documented body nor a problem.
 */
export class CalybrisClientError extends Error {
  override readonly name = "CalybrisClientError";
}
