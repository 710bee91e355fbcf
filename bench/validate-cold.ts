// One cold validation, in a fresh process (bench/validate.ts runs it): the
// time from importing the checks to the last template checked, in seconds,
// on stdout. Templates are JSON files named on the command line.
import { readFileSync } from 'node:fs';
import type { CfnTemplate } from '../cli/engine/template/types.js';

const texts = process.argv.slice(2).map((f) => readFileSync(f, 'utf8'));
const templates = texts.map((t) => JSON.parse(t) as CfnTemplate);
const t0 = performance.now();
const { runLayers } = await import('../cli/engine/validate/layers.js');
for (const [i, template] of templates.entries()) {
  await runLayers(template, {
    sharedTags: { 'sftpgw:gateway': 'bench' },
    bodyBytes: Buffer.byteLength(texts[i]),
    text: texts[i],
  });
}
console.log(((performance.now() - t0) / 1000).toFixed(4));
