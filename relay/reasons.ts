/** The relay's reason codes live with the envelope they travel in (src/protocol), shared with the tab. */
export * from "../src/protocol/relay-reasons.ts";
