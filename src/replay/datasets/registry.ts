// Every data set the replay knows, by the name of its folder under ../shared/data.

import { CALIFORNIA_HOUSING } from "./california_housing/california-housing.ts";
import { COVERTYPE } from "./covertype/covertype.ts";
import { KDDCUP99 } from "./kddcup99_10pct/kddcup99.ts";
import { ROUTELLM } from "./routellm_gpt4_vs_mixtral/routellm.ts";
import { ROUTERBENCH } from "./routerbench_subset/routerbench.ts";
import { SP500 } from "./sp500_yahoo_daily/sp500.ts";
import type { ReplayDataset } from "../replay-dataset.ts";

export const DATASETS: readonly ReplayDataset[] = [ROUTERBENCH, ROUTELLM, KDDCUP99, SP500, COVERTYPE, CALIFORNIA_HOUSING];

export function datasetNamed(id: string): ReplayDataset | undefined {
  return DATASETS.find((dataset) => dataset.id === id);
}
