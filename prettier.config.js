// Prettier, set to the style the code was written in: double quotes, semicolons, trailing commas
// wherever the language allows them, parentheses around every arrow parameter, lines up to about
// 140 columns. What it must not touch (generated files, vectors, Markdown) is in .prettierignore.

/** @type {import("prettier").Config} */
export default {
  printWidth: 140,
  semi: true,
  singleQuote: false,
  trailingComma: "all",
  arrowParens: "always",
  bracketSpacing: true,
  endOfLine: "lf",
};
