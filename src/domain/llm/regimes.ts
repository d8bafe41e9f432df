// The eight regimes of the LLM pack: classes of requests that each learn their own quality floor,
// starting from the warm-start floor given here (DESIGN.md, "Learning and evaluation").
// It holds data only. It must never reorder or delete an entry: the kernel and sealed decision
// records address a regime by its index in REGIMES, so new regimes are appended at the end.

import type { RegimeSpec } from "./types.ts";

/*
 * Floors are multiples of 100 so that the warm-start Beta prior of strength 100 has whole counts:
 * a floor of f bps starts as Beta(f / 100, (10,000 - f) / 100), e.g. Beta(72, 28) for coding.
 * The first four floors are fixed by the design; the last four are ours and justified below.
 */
export const REGIMES = [
  {
    id: "support",
    name: "Customer support",
    warmStartFloorBps: 5_500,
    description: "Answers to customer questions about a product, an order or an account.",
    justification:
      "Fixed by the design. A weak answer costs a follow-up message, not lasting harm, and support " +
      "volume is large, so the floor leaves room for the cheapest tiers.",
  },
  {
    id: "coding",
    name: "Coding",
    warmStartFloorBps: 7_200,
    description: "Writing, reviewing, explaining or fixing source code.",
    justification:
      "Fixed by the design. Wrong code is often caught by compilers and tests, but a subtle bug can " +
      "ship, so the floor sits well above support.",
  },
  {
    id: "compliance",
    name: "Compliance",
    warmStartFloorBps: 9_200,
    description: "Regulatory, legal or policy questions whose answer someone may rely on.",
    justification: "Fixed by the design. A wrong answer can create legal exposure and is hard for the asker to spot.",
  },
  {
    id: "security",
    name: "Security",
    warmStartFloorBps: 9_200,
    description: "Security review, threat analysis, incident triage and secure configuration advice.",
    justification: "Fixed by the design. A plausible but wrong answer can open a vulnerability that nobody notices.",
  },
  {
    id: "extraction",
    name: "Extraction",
    warmStartFloorBps: 6_500,
    description: "Pulling fields, entities or labels out of documents into a fixed schema.",
    justification:
      "A schema check catches malformed output, but a well-formed wrong value passes it and flows " +
      "silently into downstream data, so the floor sits above summarization's.",
  },
  {
    id: "summarization",
    name: "Summarization",
    warmStartFloorBps: 6_000,
    description: "Condensing a document, thread or transcript the reader could also consult.",
    justification:
      "The source stays at hand, so an omission is usually noticed and cheap to correct; the floor " + "is the lowest after support's.",
  },
  {
    id: "translation",
    name: "Translation",
    warmStartFloorBps: 7_000,
    description: "Translating or localizing text for readers of another language.",
    justification:
      "The reader of a translation usually cannot check it against the original, so an error goes " +
      "unnoticed; the floor sits just under coding's.",
  },
  {
    id: "analysis",
    name: "Analysis and reasoning",
    warmStartFloorBps: 8_500,
    description: "Multi-step reasoning over data or documents: comparisons, forecasts, recommendations.",
    justification:
      "Decisions rest on the conclusion and a reasoning slip is hard to see in fluent prose, yet a " +
      "human normally reviews the analysis, so the floor sits below compliance and security.",
  },
] as const satisfies readonly RegimeSpec[];

export type RegimeId = (typeof REGIMES)[number]["id"];
