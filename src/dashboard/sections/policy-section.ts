// Policy: the configuration in force, the staged candidate in shadow (decisions, mismatches, the
// paired estimate against production, the gate criterion by criterion) and the history. The
// promote, roll back and discard buttons exist only when an admin token was given.

import type { Estimate, PolicyJson } from "../answers.ts";
import { el, facts, fill, table } from "../dom.ts";
import { interval, percent, usd, utc } from "../format.ts";

export interface AdminActions {
  readonly promote: () => Promise<void>;
  readonly rollback: () => Promise<void>;
  readonly discard: () => Promise<void>;
}

function estimateText(estimate: Estimate | null): string {
  return estimate === null
    ? "not enough shadow outcomes yet"
    : `${usd(estimate.estimate_micros)} per decision ${interval(estimate.ci95_micros[0], estimate.ci95_micros[1], usd)} (n = ${estimate.n})`;
}

function button(label: string, action: () => Promise<void>, status: HTMLElement, confirmText: string): HTMLButtonElement {
  const node = el("button", { type: "button", class: "admin" }, label);
  node.addEventListener("click", () => {
    if (!window.confirm(confirmText)) return;
    node.disabled = true;
    status.textContent = `${label}…`;
    action()
      .then(() => (status.textContent = `${label}: done.`))
      .catch((error: unknown) => (status.textContent = `${label} refused: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (node.disabled = false));
  });
  return node;
}

function candidateBlock(policy: PolicyJson): HTMLElement {
  const judgement = policy.judgement;
  if (policy.candidate === null || judgement === null) return el("p", null, "No candidate is staged.");
  const shadow = judgement.shadow;
  return el(
    "div",
    null,
    facts([
      ["Candidate", `${policy.candidate.hash.slice(0, 16)}…, staged ${utc(policy.candidate.staged_at_ms)}`],
      ["Decisions in shadow", String(shadow.decisions)],
      ["Mismatches", `${shadow.mismatches} (${percent(shadow.mismatch_share)})`],
      ["Extra refusals", String(shadow.extra_refusals)],
      ["Outcomes in shadow", String(judgement.outcomes_in_shadow)],
      ["Candidate − production (DR)", estimateText(judgement.candidate_vs_production)],
      ["Gate", judgement.gate.promotable ? "promotable" : "not promotable"],
    ]),
    table(
      "The promotion gate, criterion by criterion",
      ["Criterion", "Verdict", "Detail"],
      judgement.gate.criteria.map((c) => [c.name, c.pass ? "pass" : "fail", c.detail]),
    ),
  );
}

export function renderPolicy(section: HTMLElement, policy: PolicyJson, admin: AdminActions | null): void {
  const status = el("p", { role: "status", "aria-live": "polite", class: "muted" });
  const controls =
    admin === null
      ? null
      : el(
          "div",
          { class: "admin-controls", role: "group", "aria-label": "Operator controls" },
          policy.candidate === null ? null : button("Promote", admin.promote, status, "Promote the staged candidate through the gate?"),
          policy.history.length === 0 ? null : button("Roll back", admin.rollback, status, "Return to the previous configuration?"),
          policy.candidate === null ? null : button("Discard", admin.discard, status, "Discard the staged candidate?"),
          status,
        );
  const current = policy.current;
  fill(
    section,
    facts([
      [
        "In force",
        current === null
          ? "the initial configuration (no lifecycle event yet)"
          : `version ${current.version}, ${current.hash.slice(0, 16)}…`,
      ],
      ["Since", current === null ? "creation" : utc(current.promoted_at_ms)],
    ]),
    el("h3", null, "Staged candidate"),
    candidateBlock(policy),
    controls,
    el("h3", null, "History of configurations"),
    policy.history.length === 0
      ? el("p", null, "No earlier configuration.")
      : table(
          "Configurations in force before the current one, oldest first",
          ["Version", "Hash", "Promoted"],
          policy.history.map((h) => [String(h.version), `${h.hash.slice(0, 16)}…`, utc(h.promoted_at_ms)]),
        ),
  );
}
