// Result codes of the HTTP API itself (before or around the kernel and the ledger), with stable
// numbers from 200 so they never collide with kernel gates (1-11) or ledger codes (100+).

export const ApiCode = {
  request_malformed: 200,
  body_too_large: 201,
  content_type_unsupported: 202,
  body_not_utf8: 203,
  unauthorized: 204,
  admin_unauthorized: 205,
  rate_limited: 206,
  not_found: 207,
  method_not_allowed: 208,
  webhook_headers_missing: 209,
  webhook_timestamp_stale: 210,
  webhook_signature_invalid: 211,
  entry_not_found: 212,
  checkpoint_not_found: 213,
  signing_key_missing: 214,
  internal_error: 215,
  policy_unavailable: 216,
  configuration_invalid: 217,
  // The policy lifecycle (src/learning/lifecycle/lifecycle.ts, in its order).
  candidate_already_staged: 218,
  candidate_same_as_current: 219,
  no_candidate_staged: 220,
  verdict_for_another_candidate: 221,
  force_reason_missing: 222,
  force_reason_malformed: 223,
  gate_not_passed: 224,
  candidate_still_staged: 225,
  no_previous_configuration: 226,
  lifecycle_active: 227,
  // Proxy mode.
  parameter_unsupported: 228,
  model_unknown: 229,
  provider_unknown: 230,
  provider_error: 231,
} as const;

export type ApiCodeName = keyof typeof ApiCode;
