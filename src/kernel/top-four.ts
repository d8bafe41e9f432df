// The ranking's running best four: options by utility descending, then cost ascending, then index
// ascending, in the order a scan offers them. Numbers live in fields, so an offer allocates nothing
// and, once inlined into the scan, touches no typed array (each typed-array access costs V8 a
// buffer check and a bounds check, the largest cost of the ranking it replaces).

import type { RANKED_MAX } from "./units.ts";

/** How many options the ranking keeps; offer() and writeTo() spell out one slot each. */
export const TOP_SLOTS: typeof RANKED_MAX = 4;

/** Whether (utility, cost) ranks strictly ahead of (otherUtility, otherCost). */
function beats(utility: number, cost: number, otherUtility: number, otherCost: number): boolean {
  return utility > otherUtility || (utility === otherUtility && cost < otherCost);
}

export class TopFour {
  // Slot s holds an option's index, utility and cost, best first. An empty slot's utility is
  // -Infinity, below every finite utility, so the first offers fill the slots without a count.
  private index0 = -1;
  private index1 = -1;
  private index2 = -1;
  private index3 = -1;
  private utility0 = -Infinity;
  private utility1 = -Infinity;
  private utility2 = -Infinity;
  private utility3 = -Infinity;
  private cost0 = 0;
  private cost1 = 0;
  private cost2 = 0;
  private cost3 = 0;

  clear(): void {
    this.index0 = this.index1 = this.index2 = this.index3 = -1;
    this.utility0 = this.utility1 = this.utility2 = this.utility3 = -Infinity;
  }

  /**
   * Offers option o. Options must come in index order: only a strictly better one moves ahead,
   * so among equal (utility, cost) the earlier stays. Most offers of a long scan end at the
   * first comparison, with the fourth slot; one that gets in moves the slots below it down.
   */
  offer(o: number, utility: number, cost: number): void {
    if (!beats(utility, cost, this.utility3, this.cost3)) return;
    if (!beats(utility, cost, this.utility2, this.cost2)) return this.put3(o, utility, cost);
    this.put3(this.index2, this.utility2, this.cost2);
    if (!beats(utility, cost, this.utility1, this.cost1)) return this.put2(o, utility, cost);
    this.put2(this.index1, this.utility1, this.cost1);
    if (!beats(utility, cost, this.utility0, this.cost0)) return this.put1(o, utility, cost);
    this.put1(this.index0, this.utility0, this.cost0);
    this.index0 = o;
    this.utility0 = utility;
    this.cost0 = cost;
  }

  /** Writes the option indexes, best first, into `into`; a slot no option filled is -1. */
  writeTo(into: Int32Array): void {
    into[0] = this.index0;
    into[1] = this.index1;
    into[2] = this.index2;
    into[3] = this.index3;
  }

  private put1(o: number, utility: number, cost: number): void {
    this.index1 = o;
    this.utility1 = utility;
    this.cost1 = cost;
  }

  private put2(o: number, utility: number, cost: number): void {
    this.index2 = o;
    this.utility2 = utility;
    this.cost2 = cost;
  }

  private put3(o: number, utility: number, cost: number): void {
    this.index3 = o;
    this.utility3 = utility;
    this.cost3 = cost;
  }
}
