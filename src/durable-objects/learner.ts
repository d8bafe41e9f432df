import { DurableObject } from "cloudflare:workers";
export class Learner extends DurableObject<Env> {}
