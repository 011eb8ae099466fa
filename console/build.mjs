// Bundles the console into balancer/src/main/resources/ui/ (committed, so the Maven build and
// ./bankops demo need no Node). `node build.mjs --check` rebuilds into a temporary directory and
// fails when the committed bundle differs from what these sources and the locked esbuild make.
import * as esbuild from "esbuild";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const committed = join(here, "..", "balancer", "src", "main", "resources", "ui");
const check = process.argv.includes("--check");
const out = check ? mkdtempSync(join(tmpdir(), "bankops-console-")) : committed;

const common = { bundle: true, minify: true, legalComments: "eof", logLevel: "warning", outdir: out };
await esbuild.build({ ...common, entryPoints: { console: join(here, "src", "main.js") }, format: "iife", target: ["es2022"] });
await esbuild.build({ ...common, entryPoints: { console: join(here, "src", "style.css") } });
copyFileSync(join(here, "src", "index.html"), join(out, "index.html"));

const files = readdirSync(out).sort();
if (check) {
  const want = readdirSync(committed).sort();
  const differ = files.filter((f) => !want.includes(f) || !readFileSync(join(out, f)).equals(readFileSync(join(committed, f))));
  const extra = want.filter((f) => !files.includes(f));
  rmSync(out, { recursive: true, force: true });
  if (differ.length || extra.length) {
    console.error(`console bundle out of date: ${[...differ, ...extra].join(", ")} (run: cd console && npm run build)`);
    process.exit(1);
  }
  console.log(`console bundle up to date (${files.join(", ")})`);
} else {
  for (const f of files) console.log(`${join("balancer/src/main/resources/ui", f)}  ${readFileSync(join(out, f)).length} bytes`);
}
