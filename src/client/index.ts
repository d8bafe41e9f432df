// The calybris/client entry point (package.json "exports"): the typed API client and the helper
// that points the official OpenAI SDK at proxy mode. It runs wherever fetch and Web Crypto do.

export { CalybrisClient } from "./calybris-client.ts";
export type {
  ChatCompletionResponse,
  ClientOptions,
  DecideInput,
  Decision,
  EvaluationResponse,
  FeedbackInput,
  Outcome,
  OutcomeInput,
  ProblemDetails,
  Result,
} from "./calybris-client.ts";
export { decisionFingerprint, openAiOptions, proxyHeaders } from "./openai-options.ts";
export type { OpenAiOptions, ProxyTerms } from "./openai-options.ts";
