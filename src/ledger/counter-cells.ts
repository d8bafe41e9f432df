// In-memory counters for the Memory store's tallies (decisions per day, shadow counts, hourly
// usage): one rule for adding a step to a keyed cell and for undoing it when a batch rolls back.
// Pure data structures; the SQL store keeps the same sums in its tables.

/**
 * Adds each count of `step` into the cell at `key` (made by `fresh` when absent). The undo takes
 * the step back out and drops the cell once every count it adds is zero again, so a rolled-back
 * batch leaves no empty cell behind.
 */
export function addToCell<Count extends string, Cell extends Record<Count, number>>(
  cells: Map<string, Cell>,
  key: string,
  fresh: () => Cell,
  step: Readonly<Record<Count, number>>,
): () => void {
  const cell: Record<Count, number> = cells.get(key) ?? fresh();
  const counts = Object.keys(step) as Count[];
  for (const count of counts) cell[count] += step[count];
  cells.set(key, cell as Cell);
  return () => {
    for (const count of counts) cell[count] -= step[count];
    if (counts.every((count) => cell[count] === 0)) cells.delete(key);
  };
}
