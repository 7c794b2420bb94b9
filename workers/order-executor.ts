// Order executor worker entry: serves the executor API to its peers over the ports the supervisor
// hands it, and runs the executor's own loop. The only thread that may place or cancel orders.
import { createExecutorLoop, createStandInExecutor, type ExecutorApi, type StandInExecutor } from '../src/executor/executor-api.js';
import { runWorker, type WorkerContext } from '../src/worker-runtime/run-worker.js';
import { createWorkerExchangeClient } from '../src/worker-runtime/worker-exchange-client.js';
import { numberSetting } from '../src/worker-runtime/worker-settings.js';

let executor: StandInExecutor | undefined;
const executorFor = (ctx: WorkerContext<ExecutorApi>): StandInExecutor =>
  (executor ??= createStandInExecutor({ generation: ctx.generation, log: ctx.log, metrics: ctx.metrics }));

runWorker<ExecutorApi>({
  serve: (ctx) => executorFor(ctx),
  createLoop: (ctx) =>
    createExecutorLoop({
      account: createWorkerExchangeClient(ctx),
      executor: executorFor(ctx),
      metrics: ctx.metrics,
      log: ctx.log,
      intervalMs: numberSetting(ctx.settings, 'accountRefreshMs', 5000),
    }),
});
