// The settings of proxy mode (wrangler.toml, .dev.vars.example, README "Deploying"): each
// provider's API base URL variable and deployment-wide key secret, and the bound on the secret
// that encrypts tenants' keys. Data only, free of runtime types, so Node tests read it too.

export const PROVIDER_ENV = {
  openai: { baseUrl: "OPENAI_BASE_URL", apiKey: "OPENAI_API_KEY" },
  anthropic: { baseUrl: "ANTHROPIC_BASE_URL", apiKey: "ANTHROPIC_API_KEY" },
  google: { baseUrl: "GOOGLE_BASE_URL", apiKey: "GOOGLE_API_KEY" },
  deepseek: { baseUrl: "DEEPSEEK_BASE_URL", apiKey: "DEEPSEEK_API_KEY" },
  mistral: { baseUrl: "MISTRAL_BASE_URL", apiKey: "MISTRAL_API_KEY" },
  meta: { baseUrl: "META_BASE_URL", apiKey: "META_API_KEY" },
} as const satisfies Record<string, { readonly baseUrl: string; readonly apiKey: string }>;

type ProxyProvider = keyof typeof PROVIDER_ENV;

/** HKDF needs input keying material with real entropy: 32 random characters carry at least 128 bits. */
export const PROVIDER_KEY_SECRET_LENGTH_MIN = 32;

/** A provider's settings, or undefined for a name proxy mode does not know. */
export function providerEnv(provider: string): (typeof PROVIDER_ENV)[ProxyProvider] | undefined {
  return Object.hasOwn(PROVIDER_ENV, provider) ? PROVIDER_ENV[provider as ProxyProvider] : undefined;
}
