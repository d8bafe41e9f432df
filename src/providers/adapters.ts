// Which wire format each provider of the LLM pack speaks. A provider missing here cannot be
// proxied, and the proxy never lets the kernel choose it (src/worker/proxy-providers.ts).

import { ANTHROPIC } from "./anthropic.ts";
import type { ProviderAdapter } from "./chat.ts";
import { GEMINI } from "./gemini.ts";
import { openAiCompatible } from "./openai-compatible.ts";

const OPENAI_COMPATIBLE = openAiCompatible("max_tokens");

export const ADAPTERS: Readonly<Record<string, ProviderAdapter>> = {
  openai: openAiCompatible("max_completion_tokens"),
  anthropic: ANTHROPIC,
  google: GEMINI,
  deepseek: OPENAI_COMPATIBLE,
  mistral: OPENAI_COMPATIBLE,
  // Meta's open models, at the host the catalog prices them by (Together AI's OpenAI-compatible API).
  meta: OPENAI_COMPATIBLE,
};

export function adapterFor(provider: string): ProviderAdapter | null {
  return Object.hasOwn(ADAPTERS, provider) ? ADAPTERS[provider]! : null;
}
