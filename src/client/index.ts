// The package entry point `calybris/client`: a typed client of the decision API, and the options
// that point the official OpenAI SDK at proxy mode.

export {
  CalybrisClient,
  type Budget,
  type ClientOptions,
  type DecideInput,
  type Decision,
  type Evaluation,
  type EvaluationQuery,
  type FeedbackInput,
  type OutcomeInput,
  type OutcomeReceipt,
} from "./client.ts";
export { CalybrisClientError, CalybrisProblemError, type ProblemBody } from "./problem-error.ts";
export { decisionFingerprint, openAiOptions, proxyHeaders, type OpenAiOptions, type ProxyTerms } from "./openai-options.ts";
