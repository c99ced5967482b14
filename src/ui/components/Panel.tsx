/** The page's building blocks: a titled card and a labelled figure. */
import type { ReactNode } from "react";

interface PanelProps {
  readonly title: string;
  /** Beside the title: a count, a toggle. */
  readonly aside?: ReactNode;
  readonly children: ReactNode;
}

export function Panel({ title, aside, children }: PanelProps) {
  return (
    <section className="panel" aria-label={title}>
      <header className="panel-head">
        <h2>{title}</h2>
        {aside}
      </header>
      {children}
    </section>
  );
}

interface StatProps {
  readonly label: string;
  readonly value: ReactNode;
  /** Outside the value's element, so a test hook on the value holds digits only. */
  readonly unit?: string;
  readonly testId?: string;
  /** Spans two grid cells, for a value in words rather than a figure. */
  readonly wide?: boolean;
}

export function Stat({ label, value, unit, testId, wide = false }: StatProps) {
  return (
    <div className={wide ? "stat stat-wide" : "stat"}>
      <dt>{label}</dt>
      <dd>
        <span data-testid={testId}>{value}</span>
        {unit !== undefined && <span className="unit"> {unit}</span>}
      </dd>
    </div>
  );
}

/** Shown where a list would be, so an empty list reads as a fact rather than a fault. */
export function Empty({ children }: { readonly children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
