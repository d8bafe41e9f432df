// Proof: the chain head, the latest signed checkpoint, and "verify": the page fetches the inclusion
// proof of one entry and checks it, with the checkpoint's signature, against the published
// verifier key, in this browser (src/dashboard/verify-entry.ts).

import { el, facts, fill } from "../dom.ts";
import type { EntryVerdict } from "../verify-entry.ts";

export interface ProofView {
  readonly chainSize: number;
  readonly checkpoint: string | null;
  readonly verifierKey: string;
}

function verdictText(verdict: EntryVerdict): string {
  if (!verdict.ok) return `Failed (${verdict.step}): ${verdict.detail}`;
  const signed =
    verdict.signedBy === null
      ? "against the live root: no signed checkpoint covers it yet"
      : `against the checkpoint of ${verdict.treeSize} entries signed by ${verdict.signedBy}`;
  return `Verified: entry ${verdict.seq} (fingerprint ${verdict.fingerprint.slice(0, 16)}…) is in the chain, ${signed}.`;
}

/** Renders the section; `verify` runs one check and answers its verdict. Returns a function that verifies a given seq. */
export function renderProof(section: HTMLElement, view: ProofView, verify: (seq: number) => Promise<EntryVerdict>): (seq: number) => void {
  const input = el("input", { id: "verify-seq", type: "number", min: "0", step: "1", inputmode: "numeric", required: "" });
  // By default the newest entry a signed checkpoint covers: its proof ties it to a signature.
  const signedSize = Number(view.checkpoint?.split("\n")[1] ?? "0");
  input.value = String(Math.max(0, (Number.isSafeInteger(signedSize) && signedSize > 0 ? signedSize : view.chainSize) - 1));
  const result = el("p", { id: "verify-result", role: "status", "aria-live": "polite" });
  const form = el(
    "form",
    { id: "verify-form", class: "inline" },
    el("label", { for: "verify-seq" }, "Sequence number"),
    input,
    el("button", { type: "submit" }, "Verify"),
  );
  const run = (seq: number): void => {
    input.value = String(seq);
    result.textContent = `Verifying entry ${seq}…`;
    result.dataset.verdict = "pending";
    verify(seq)
      .then((verdict) => {
        result.textContent = verdictText(verdict);
        result.dataset.verdict = verdict.ok ? "verified" : "failed";
      })
      .catch((error: unknown) => {
        result.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`;
        result.dataset.verdict = "failed";
      });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const seq = Number(input.value);
    if (!Number.isSafeInteger(seq) || seq < 0) {
      result.textContent = "Give a sequence number: an integer from 0.";
      return;
    }
    run(seq);
  });
  fill(
    section,
    facts([
      ["Chain head", `${view.chainSize} entries`],
      ["Verifier key", el("code", null, view.verifierKey)],
    ]),
    el("h3", null, "Latest signed checkpoint"),
    view.checkpoint === null ? el("p", null, "No checkpoint has been signed yet.") : el("pre", { id: "checkpoint-note" }, view.checkpoint),
    el("h3", null, "Verify an entry"),
    el(
      "p",
      { class: "muted" },
      "The page fetches the entry's RFC 6962 inclusion proof and checks it, with the checkpoint signature, in JavaScript here.",
    ),
    form,
    result,
  );
  return run;
}
