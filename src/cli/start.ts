/**
 * `npm start`: on one machine, the relay serving the built page on PORT
 * (default 8080) and a native "home node" that keeps the chain on disk and is
 * advertised to every tab, so two tabs make a working network and the chain
 * outlives them. The home node takes a free port unless HOME_PORT is set; its
 * data lives in ./data/home-PORT, so two copies can run side by side.
 */
import { startRelay } from "../../relay/index.ts";
import { configFromEnv } from "../../relay/env.ts";
import { parseConfig } from "./config.ts";
import { startNativeNode } from "./native-node.ts";

const relayPort = Number(process.env.PORT ?? 8080);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

const homeEnv = {
  PORT: process.env.HOME_PORT ?? "0",
  HOST: "127.0.0.1",
  DATA_DIR: process.env.HOME_DATA_DIR ?? `data/home-${relayPort}`,
  PEERS: process.env.PEERS,
  MINE: process.env.HOME_MINE,
};
const parsed = parseConfig(homeEnv);
if (!parsed.ok) {
  process.stderr.write(`tabnode: ${parsed.error}\n`);
  process.exit(2);
}

const relayConfig = configFromEnv(process.env);
if (!relayConfig.ok) {
  process.stderr.write(`tabnode: ${relayConfig.errors.join("; ")}\n`);
  process.exit(2);
}
const home = await startNativeNode(parsed.config, (line) => log(`[home] ${line}`));
const relay = await startRelay({ ...relayConfig.config, homeNode: home.address });
log(`home node ${home.address} (API http://127.0.0.1:${home.port}/api/status), chain in ${homeEnv.DATA_DIR}`);
process.stdout.write(
  `\n  Tabnode is running. Open ${relay.url} in a tab and click "Start mining". Open it in a second tab and click "New wallet" there:\n` +
    `  each tab keeps the wallet it chose. When the first tab's balance shows a reward, send coins to the second tab's address.\n\n`,
);

const stop = async () => {
  await relay.close();
  await home.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
