// Where a Learner that holds no state starts: the warm start. A new object publishes it as
// version 0. An object from before schema v2 holds snapshots but no state (v1 published the warm
// start and kept nothing else), so the start continues its version numbers instead of reusing one.

import type { DomainPack } from "../domain/domain-pack.ts";
import { initialLearnerState, type LearnerState } from "./learner-state.ts";
import { buildSnapshot, contentHash, type PolicySnapshot } from "./policy-snapshot.ts";

/** The newest snapshot a Learner's storage holds: its version and content hash. */
export interface StoredSnapshotHead {
  readonly version: number;
  readonly hash: string;
}

export interface LearnerStart {
  readonly state: LearnerState;
  /** The snapshot of the state's content, under the version the state is saved with. */
  readonly snapshot: PolicySnapshot;
  /** False when storage already holds this very snapshot (same version, same content hash). */
  readonly publish: boolean;
}

/**
 * The warm start, numbered after `latest`. A snapshot whose content is the warm start's already is
 * adopted as it is; any other content gets the next version, so that no version ever names two
 * contents and every hash a sealed decision references stays where it was.
 */
export function learnerStart(pack: DomainPack, latest: StoredSnapshotHead | null): LearnerStart {
  const state = initialLearnerState(pack);
  if (latest === null) return { state, snapshot: buildSnapshot(state.content, 0), publish: true };
  if (contentHash(state.content) === latest.hash) return { state, snapshot: buildSnapshot(state.content, latest.version), publish: false };
  return { state, snapshot: buildSnapshot(state.content, latest.version + 1), publish: true };
}
