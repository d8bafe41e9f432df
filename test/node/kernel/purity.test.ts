// The kernel's purity rule (STYLE.md 1, DESIGN.md "Layers") as part of `npm test`: every file in
// src/kernel imports only "./" kernel files and names none of the clock, randomness, crypto,
// network, console, timer or process globals. ESLint enforces the same; this keeps a build
// that skips lint honest. The scan strips comments first, so prose may name what code may not use.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const KERNEL_DIRECTORY = fileURLToPath(new URL("../../../src/kernel/", import.meta.url));

/** Globals that would make a decision depend on something other than its inputs. */
const FORBIDDEN_GLOBALS = [
  "Date",
  "crypto",
  "fetch",
  "console",
  "setTimeout",
  "setInterval",
  "clearTimeout",
  "clearInterval",
  "setImmediate",
  "queueMicrotask",
  "performance",
  "process",
  "globalThis",
  "require",
  "navigator",
] as const;

interface Lexed {
  /** The source with comments blanked (strings kept): import specifiers are read from this. */
  code: string;
  /** The same with string and template text blanked too (template ${} expressions kept). */
  bare: string;
}

/**
 * A small lexer for TypeScript source: comments, string literals and template literals with
 * nested ${} expressions. Blanked text keeps its newlines so positions map to line numbers.
 * It does not know regular-expression literals; the kernel has none (a test below checks).
 */
function lex(source: string): Lexed {
  let code = "";
  let bare = "";
  // One entry per open template expression: the depth of plain braces inside it.
  const templateBraces: number[] = [];
  const blank = (text: string): string => text.replace(/[^\n]/g, " ");
  let i = 0;
  const readTemplateText = (): void => {
    // i is just past a backtick or the "}" that closed a ${} expression.
    const start = i;
    while (i < source.length) {
      if (source[i] === "\\") {
        i += 2;
        continue;
      }
      if (source[i] === "`") {
        i++;
        code += source.slice(start, i);
        bare += blank(source.slice(start, i - 1)) + "`";
        return;
      }
      if (source[i] === "$" && source[i + 1] === "{") {
        i += 2;
        code += source.slice(start, i);
        bare += blank(source.slice(start, i - 2)) + "${";
        templateBraces.push(0);
        return;
      }
      i++;
    }
    throw new Error("unterminated template literal");
  };
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? source.length : end;
      code += blank(source.slice(i, stop));
      bare += blank(source.slice(i, stop));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      if (end === -1) throw new Error("unterminated block comment");
      code += blank(source.slice(i, end + 2));
      bare += blank(source.slice(i, end + 2));
      i = end + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === "\\" ? 2 : 1;
      code += source.slice(i, j + 1);
      bare += c + blank(source.slice(i + 1, j)) + c;
      i = j + 1;
    } else if (c === "`") {
      code += "`";
      bare += "`";
      i++;
      readTemplateText();
    } else if (c === "}" && templateBraces.length > 0 && templateBraces[templateBraces.length - 1] === 0) {
      templateBraces.pop();
      code += "}";
      bare += "}";
      i++;
      readTemplateText();
    } else {
      if (templateBraces.length > 0 && (c === "{" || c === "}")) templateBraces[templateBraces.length - 1]! += c === "{" ? 1 : -1;
      code += c;
      bare += c;
      i++;
    }
  }
  return { code, bare };
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Every rule a kernel file breaks, as "line N: what"; empty when the file is pure. */
function purityViolations(source: string): string[] {
  const { code, bare } = lex(source);
  const violations: string[] = [];
  const specifier = /\b(?:import|export)\b[^;]*?\bfrom\s*(["'])([^"']*)\1|\bimport\s*(["'])([^"']*)\3/g;
  for (const match of code.matchAll(specifier)) {
    const path = match[2] ?? match[4] ?? "";
    // "./x.ts" only: a "./../" path would leave the kernel while looking local.
    if (!path.startsWith("./") || path.split("/").includes("..")) {
      violations.push(`line ${lineOf(code, match.index)}: import of "${path}"`);
    }
  }
  for (const match of bare.matchAll(/\bimport\s*\(/g)) {
    violations.push(`line ${lineOf(bare, match.index)}: dynamic import`);
  }
  for (const name of FORBIDDEN_GLOBALS) {
    // Not a member access (x.process is a property, not the global) and a whole identifier.
    for (const match of bare.matchAll(new RegExp(`(?<![.\\w$])${name}(?![\\w$])`, "g"))) {
      violations.push(`line ${lineOf(bare, match.index)}: ${name}`);
    }
  }
  for (const match of bare.matchAll(/\bMath\s*(?:\.\s*random\b|\[)/g)) {
    violations.push(`line ${lineOf(bare, match.index)}: Math.random`);
  }
  return violations;
}

const kernelFiles = readdirSync(KERNEL_DIRECTORY)
  .filter((name) => name.endsWith(".ts"))
  .sort();

describe("src/kernel purity", () => {
  it("finds the kernel's files", () => {
    expect(kernelFiles).toEqual(expect.arrayContaining(["kernel.ts", "exact-math.ts", "request.ts", "prng.ts"]));
    expect(readdirSync(KERNEL_DIRECTORY).filter((name) => !name.endsWith(".ts"))).toEqual([]);
  });

  it.each(kernelFiles)("%s imports only kernel files and uses no impure global", (name) => {
    const source = readFileSync(join(KERNEL_DIRECTORY, name), "utf8");
    expect(purityViolations(source)).toEqual([]);
    // The lexer does not understand regular-expression literals, so refuse them rather than misread.
    expect(lex(source).bare).not.toMatch(/[=(,:]\s*\/[^/*\s][^/\n]*\/[dgimsuvy]*\s*[.;,)]/);
  });
});

describe("the purity scanner itself", () => {
  it.each([
    ['import { x } from "../domain/llm.ts";', 'import of "../domain/llm.ts"'],
    ['import x from "node:crypto";', 'import of "node:crypto"'],
    ['export { y } from "hono";', 'import of "hono"'],
    ['import "./../ledger/x.ts";', 'import of "./../ledger/x.ts"'],
    ["import type {\n  A,\n} from 'zod';", 'import of "zod"'],
    ["const m = await import('./x.ts');", "dynamic import"],
    ["const t = Date.now();", "Date"],
    ["const r = Math.random();", "Math.random"],
    ["const r = Math['random']();", "Math.random"],
    ["const h = crypto.subtle;", "crypto"],
    ["console.log(1);", "console"],
    ["setTimeout(f, 1);", "setTimeout"],
    ["const e = process.env.X;", "process"],
    ["const p = performance.now();", "performance"],
    ["const s = `${fetch(u)}`;", "fetch"],
    ["const s = `a ${`b ${globalThis.x}`} c`;", "globalThis"],
  ])("flags %j", (source, expected) => {
    expect(purityViolations(source).join("; ")).toContain(expected);
  });

  it.each([
    "// Date, Math.random(), crypto and fetch are forbidden here.\nconst a = 1;",
    "/* console.log(process.env) */ const b = 2;",
    'throw new RangeError("the process of Date parsing");',
    "const s = `no ${count} console here`;",
    'import { mulBps } from "./exact-math.ts";',
    "const o = { dateStamp: 1 }; o.process = 2; const updated = o.performanceMs;",
  ])("accepts %j", (source) => {
    expect(purityViolations(source)).toEqual([]);
  });
});
