#!/usr/bin/env node
// Records the model a sweep kept: argv is [model path, its accuracy].
import { appendFileSync } from 'node:fs';

const [model, accuracy] = process.argv.slice(2);
console.log(`keeping ${model} (accuracy ${accuracy})`);
if (process.env.BATON_OUTPUT) appendFileSync(process.env.BATON_OUTPUT, `model=${model}\naccuracy=${accuracy}\n`);
