/** `npm run bench`: performance figures on this machine (not tests: nothing here passes or fails CI). */
import { benchMatrix } from "./matrix.bench";
import { benchConfigAsCode } from "./config-as-code.bench";
import { benchAuditLog } from "./audit-log.bench";
import { benchReadContract } from "./read-contract.bench";
import { benchTokenExchange } from "./token-exchange.bench";
import { requireProductionBuild } from "./lib";

requireProductionBuild();
console.info(`STS Console benchmarks — ${new Date().toISOString()} — node ${process.version}`);
const only = process.argv[2];
if (!only || only === "read-contract") await benchReadContract();
if (!only || only === "token-exchange") await benchTokenExchange();
if (!only || only === "matrix") await benchMatrix();
if (!only || only === "config-as-code") await benchConfigAsCode();
if (!only || only === "audit-log") await benchAuditLog();
