/** `npm run bench`: performance figures on this machine (not tests: nothing here passes or fails CI). */
import { benchReadContract } from "./read-contract.bench";
import { requireProductionBuild } from "./lib";

requireProductionBuild();
console.info(`STS Console benchmarks — ${new Date().toISOString()} — node ${process.version}`);
await benchReadContract();
