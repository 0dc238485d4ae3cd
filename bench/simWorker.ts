/* eslint-disable @n8n/community-nodes/no-restricted-imports -- bench tooling: the entry point of the worker thread that hosts the loopback simulator; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/** Worker thread entry: hosts one simulator for WorkerSim (sim.ts). */
import { parentPort, workerData } from 'node:worker_threads';

import type { SimulatorOptions } from '../test/simulator';
import { serveInWorker } from './sim';

if (parentPort) void serveInWorker(workerData as SimulatorOptions, parentPort);
