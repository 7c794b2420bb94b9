// Standalone simulator: `npm run sim`. Prints where it listens and which key to use (never the
// secret), then runs until SIGINT/SIGTERM. Commands on stdin change it while it runs
// (control-channel.ts: e.g. `faults 5xx=0.1` / `faults none`).
import { createInterface } from 'node:readline';
import { runControlLine } from './control-channel.js';
import { formatFaultSpec } from '../../config/fault-spec.js';
import { startSimulator } from './simulator.js';
import { type SimulatorEnv, readSimulatorEnv } from './simulator-env.js';

async function main(): Promise<void> {
  let env: SimulatorEnv;
  try {
    env = readSimulatorEnv();
  } catch (err) {
    console.error(`simulator: ${(err as Error).message}`);
    process.exit(2);
  }
  const sim = await startSimulator({
    port: env.port,
    apiKey: env.apiKey,
    apiSecret: env.apiSecret,
    apiPassphrase: env.apiPassphrase,
    balance: env.balance,
    seed: env.seed,
    speed: env.speed,
    profile: env.profile,
    faults: env.faults,
    keyPermissions: env.keyPermissions,
    ...(env.ipWhitelist.length > 0 ? { ipWhitelist: env.ipWhitelist } : {}),
  });
  const faults = formatFaultSpec(env.faults) || 'none';
  console.log(
    `KuCoin Futures simulator listening on ${sim.url} (ws ${sim.wsUrl}) apiKey=${sim.credentials.apiKey} ` +
      `passphrase=<SIM_API_PASSPHRASE> seed=${env.seed} profile=${env.profile} speed=${env.speed} balance=${env.balance} USDT contracts=${sim.symbols.length} faults=${faults}`,
  );
  // Closing stdin (or never having one) only ends the control channel, not the simulator.
  createInterface({ input: process.stdin, terminal: false }).on('line', (line) => {
    const reply = runControlLine(line, {
      faults: sim.faults,
      market: sim.market,
      openPositions: () => sim.engine.ledger.open().map((p) => ({ symbol: p.symbol, qty: p.qty })),
      untriggeredStops: () => sim.engine.listStopOrders({}).map((o) => ({ symbol: o.symbol, side: o.side })),
      rateLimitedResponses: () => sim.rateLimitedResponses(),
    });
    if (reply !== undefined) console.log(reply);
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`simulator: ${signal} received, closing`);
    sim.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`simulator: close failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
