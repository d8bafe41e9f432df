// `npm run dev` needs local secrets: copy the public development values from .dev.vars.example
// the first time, and never overwrite a .dev.vars the developer already has.
import { copyFileSync, existsSync } from "node:fs";

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (public development values)");
}
