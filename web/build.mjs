// Builds the widget into dist/ (what the Rasa server serves at /webhooks/taai/static/):
//
//   dist/taai-widget.js    the widget with socket.io-client, one IIFE, minified
//   dist/taai-widget.css   NL Design System component CSS + the theme tokens they use
//                          + Taai's own styles, minified
//   dist/LICENSES.txt      licences of what is bundled
//
// Run with `npm run build` (after `npm ci`).
import { build } from "esbuild";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
const require = createRequire(import.meta.url);
const THEME_PACKAGE = "@nl-design-system-unstable/voorbeeld-design-tokens";
const THEME_CLASS = "voorbeeld-theme";

/** Parses `.class { --a: x; --b: y; }` into a Map of custom properties. */
function parseTheme(css) {
  const body = css.slice(css.indexOf("{") + 1, css.lastIndexOf("}"));
  const tokens = new Map();
  const declaration = /(--[\w-]+)\s*:\s*([^;]*);/g;
  let match;
  while ((match = declaration.exec(body.replace(/\/\*[\s\S]*?\*\//g, "")))) {
    tokens.set(match[1], match[2].trim());
  }
  return tokens;
}

function referencedTokens(css) {
  return new Set(Array.from(css.matchAll(/var\(\s*(--[\w-]+)/g), (m) => m[1]));
}

/** The theme tokens `css` uses, directly or through other tokens. */
function themeSubset(theme, css) {
  const needed = new Set();
  const queue = [...referencedTokens(css)];
  while (queue.length) {
    const name = queue.pop();
    if (needed.has(name) || !theme.has(name)) continue;
    needed.add(name);
    queue.push(...referencedTokens(theme.get(name)));
  }
  const lines = [...needed].sort().map((name) => `${name}:${theme.get(name)}`);
  return `.${THEME_CLASS}{${lines.join(";")}}\n`;
}

async function writeAtomically(file, content) {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}

async function main() {
  // dist/ is served while it is rebuilt: files are replaced, never removed first.
  await mkdir(dist, { recursive: true });

  await build({
    entryPoints: [path.join(here, "src/index.js")],
    outfile: path.join(dist, "taai-widget.tmp.js"),
    bundle: true,
    format: "iife",
    target: ["es2020"],
    minify: true,
    sourcemap: true,
    legalComments: "eof",
    logLevel: "warning",
  });

  await rename(path.join(dist, "taai-widget.tmp.js.map"), path.join(dist, "taai-widget.js.map"));
  const js = (await readFile(path.join(dist, "taai-widget.tmp.js"), "utf8"))
    .replace("sourceMappingURL=taai-widget.tmp.js.map", "sourceMappingURL=taai-widget.js.map");
  await writeAtomically(path.join(dist, "taai-widget.js"), js);
  await rm(path.join(dist, "taai-widget.tmp.js"), { force: true });

  const css = await build({
    entryPoints: [path.join(here, "src/taai-widget.css")],
    bundle: true,
    write: false,
    minify: true,
    target: ["chrome100", "firefox100", "safari15"],
    legalComments: "none",
    logLevel: "warning",
    outfile: "taai-widget.css",
  });
  const componentCss = css.outputFiles[0].text;
  const themeFile = require.resolve(`${THEME_PACKAGE}/dist/theme.css`);
  const theme = parseTheme(await readFile(themeFile, "utf8"));
  const header =
    "/* Taai widget (EUPL-1.2). Includes NL Design System CSS: @utrecht component CSS " +
    "(EUPL-1.2, Frameless B.V. / Gemeente Utrecht) and tokens of " + THEME_PACKAGE +
    " (EUPL-1.2, NL Design System community). See LICENSES.txt. */\n";
  await writeAtomically(path.join(dist, "taai-widget.css"), header + themeSubset(theme, componentCss) + componentCss);

  const pkg = JSON.parse(await readFile(path.join(here, "package.json"), "utf8"));
  const lines = ["Taai widget: licences of the bundled packages", ""];
  for (const name of Object.keys(pkg.dependencies).sort()) {
    const meta = JSON.parse(await readFile(path.join(here, "node_modules", name, "package.json"), "utf8"));
    lines.push(`${name}@${meta.version}: ${meta.license}`);
  }
  for (const name of ["engine.io-client", "engine.io-parser", "socket.io-parser", "@socket.io/component-emitter", "debug", "ms"]) {
    try {
      const meta = JSON.parse(await readFile(path.join(here, "node_modules", name, "package.json"), "utf8"));
      lines.push(`${name}@${meta.version}: ${meta.license} (through socket.io-client)`);
    } catch (_error) {
      // not part of this socket.io-client version
    }
  }
  await writeFile(path.join(dist, "LICENSES.txt"), lines.join("\n") + "\n");

  for (const file of ["taai-widget.js", "taai-widget.css"]) {
    const size = (await readFile(path.join(dist, file))).length;
    console.log(`dist/${file}  ${(size / 1024).toFixed(1)} KB`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
