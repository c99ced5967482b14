/**
 * The relay as a program: `npx tsx relay/main.ts`, configured by environment
 * (PORT, HOST, PUBLIC_URL, PEERS, HOME_NODE, STATIC_DIR, DATA_DIR, API_HOSTS,
 * API_TOKEN, RELAY_*; see
 * docs/relay.md). Stops cleanly on SIGINT and SIGTERM.
 */
import { configFromEnv } from "./env.ts";
import { startRelay } from "./server.ts";

const parsed = configFromEnv(process.env);
if (!parsed.ok) {
  for (const e of parsed.errors) console.error(`relay: ${e}`);
  process.exit(2);
}
const relay = await startRelay(parsed.config);
console.log(`relay: page and GET /api/relay at ${relay.url}`);
console.log(`relay: tabs connect to ${relay.tabUrl}; tab addresses are ${relay.publicBase}/peer/<id>`);
if (relay.options.dataDir !== null) console.log(`relay: operator token for GET /metrics in ${relay.options.dataDir}/.cookie`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`relay: ${signal}, closing`);
  void relay.close().then(() => process.exit(0));
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
