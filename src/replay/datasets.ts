// Every data set the replay knows, by the name of its folder under ../shared/data.

import { CALIFORNIA_HOUSING } from "../domain/real-estate/california-housing.ts";
import { COVERTYPE } from "../domain/forestry/covertype.ts";
import { KDDCUP99 } from "../domain/security/kddcup99.ts";
import { ROUTELLM } from "../domain/llm-replay/routellm.ts";
import { ROUTERBENCH } from "../domain/llm-replay/routerbench.ts";
import { SP500 } from "../domain/finance/sp500.ts";
import type { ReplayDataset } from "./replay-dataset.ts";

export const DATASETS: readonly ReplayDataset[] = [ROUTERBENCH, ROUTELLM, KDDCUP99, SP500, COVERTYPE, CALIFORNIA_HOUSING];

export function datasetNamed(id: string): ReplayDataset | undefined {
  return DATASETS.find((dataset) => dataset.id === id);
}
