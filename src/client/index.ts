// The package entry point `calybris/client`: a typed client of the decision API.

export {
  CalybrisClient,
  type Budget,
  type ClientOptions,
  type DecideInput,
  type Decision,
  type Evaluation,
  type EvaluationQuery,
  type OutcomeInput,
  type OutcomeReceipt,
} from "./client.ts";
export { CalybrisClientError, CalybrisProblemError, type ProblemBody } from "./problem-error.ts";
