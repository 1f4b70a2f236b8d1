#!/usr/bin/env node
// One iteration of a loop that gets better each time: the loss halves with every iteration.
import { appendFileSync } from 'node:fs';

const iteration = Number(process.argv[2] ?? '1');
const loss = 0.8 / 2 ** (iteration - 1);
console.log(`::progress ${iteration}/4 iteration ${iteration}: loss ${loss}`);
if (process.env.BATON_OUTPUT) appendFileSync(process.env.BATON_OUTPUT, `loss=${loss}\n`);
