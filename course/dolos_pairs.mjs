// Dolos (github.com/dodona-edu/dolos, MIT) on a set of Python files, for course/similarity.py.
// stdin: {"lib": path of @dodona/dolos-lib's dist/index.js, "files": [...], "ignore": path or null,
//         "options": Dolos options}.  stdout: every pair with its similarity and shared fragments.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(0, "utf8"));
const { Dolos } = await import(pathToFileURL(job.lib).href);
const dolos = new Dolos({ language: "python", ...job.options });
const report = await dolos.analyzePaths(job.files, job.ignore || undefined);
const region = r => [r.startRow, r.startCol, r.endRow, r.endCol];
const pairs = report.allPairs().map(pair => ({
  left: pair.leftFile.path,
  right: pair.rightFile.path,
  similarity: pair.similarity,
  longest: pair.longest,
  overlap: pair.overlap,
  covered: [pair.leftCovered, pair.rightCovered],
  total: [pair.leftTotal, pair.rightTotal],
  ignored: [pair.leftIgnored, pair.rightIgnored],
  fragments: pair.buildFragments().map(f => ({
    left: region(f.leftSelection), right: region(f.rightSelection), kgrams: f.leftkgrams.to - f.leftkgrams.from,
  })),
}));
process.stdout.write(JSON.stringify({ pairs }));
