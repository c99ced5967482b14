/**
 * GET /metrics as Prometheus would scrape it, the text parsed by
 * parse-prometheus-text-format (a port of Prometheus's own text parser,
 * independent of prom-client, which writes the text but cannot read it).
 * Requests go to 127.0.0.1 with any Host header (fetch() will not send
 * another host's name).
 */
import { request, type IncomingMessage } from "node:http";
import { request as tlsRequest } from "node:https";
import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";

export interface Scrape {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export interface Where {
  readonly host?: string;
  readonly path?: string;
  /** Over TLS, trusting this certificate. */
  readonly ca?: string;
}

export function getMetrics(port: number, options: Where & { readonly token?: string } = {}): Promise<Scrape> {
  const headers: Record<string, string> = { host: options.host ?? `127.0.0.1:${port}` };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return new Promise((done, failed) => {
    const target = { host: "127.0.0.1", port, path: options.path ?? "/metrics", headers };
    const answer = (res: IncomingMessage) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => done({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"] ?? ""), text }));
    };
    const req = options.ca === undefined ? request(target, answer) : tlsRequest({ ...target, ca: options.ca }, answer);
    req.on("error", failed);
    req.end();
  });
}

export class Metrics {
  private readonly families: Map<string, MetricFamily>;

  constructor(text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  }

  type(name: string): string | undefined {
    return this.families.get(name)?.type;
  }

  /** The value of the sample of `name` whose labels include `labels`; undefined when there is none. Throws on a value that is not a number. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
    const family = this.families.get(name);
    const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
    if (sample?.value === undefined) return undefined;
    const n = Number(sample.value);
    if (!Number.isFinite(n)) throw new Error(`${name} ${JSON.stringify(labels)}: ${sample.value} is not a number`);
    return n;
  }

  /** Every label set of `name`, with its value. */
  samples(name: string): { labels: Readonly<Record<string, string>>; value: number }[] {
    return (this.families.get(name)?.metrics ?? []).map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
  }
}

/** Scrapes with the token and parses; fails unless the answer is 200 in the Prometheus text format. */
export async function scrape(port: number, token: string, where: Where = {}): Promise<Metrics> {
  const r = await getMetrics(port, { ...where, token });
  if (r.status !== 200) throw new Error(`GET /metrics: ${r.status} ${r.text.slice(0, 200)}`);
  if (!r.contentType.startsWith("text/plain; version=0.0.4")) throw new Error(`GET /metrics: content type ${r.contentType}`);
  return new Metrics(r.text);
}
