/** `npm run node`: the native node, configured from the environment (see HELP). */
import { HELP, parseConfig } from "./config.ts";
import { startNativeNode } from "./native-node.ts";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  process.stdout.write(HELP);
  process.exit(0);
}

const parsed = parseConfig(process.env);
if (!parsed.ok) {
  process.stderr.write(`tabnode: ${parsed.error}\n\n${HELP}`);
  process.exit(2);
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

try {
  const node = await startNativeNode(parsed.config, log);
  log(`listening on port ${node.port}: peers dial ${node.address}, API at http://${parsed.config.host}:${node.port}/api/status`);
  log(`wallet ${node.wallet.address}`);
  const stop = async (signal: string) => {
    log(`${signal}: stopping`);
    await node.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (err) {
  process.stderr.write(`tabnode: ${(err as Error).message}\n`);
  process.exit(1);
}
