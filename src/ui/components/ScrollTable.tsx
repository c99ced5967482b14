/**
 * A table that may be wider than a phone: it scrolls sideways inside its own
 * box (focusable, so a keyboard can scroll it too), with a shadow at the edge
 * that hides more columns and a "scroll →" hint while it overflows.
 */
import { useEffect, useRef, useState, type ReactNode } from "react";

/** A column's header: its text, right-aligned figures when `num`, what it means in `title`. */
export interface Column {
  readonly label: string;
  readonly num?: boolean;
  readonly title?: string;
}

/** `children` are the body's rows. */
export function ScrollTable({ label, columns, children }: { readonly label: string; readonly columns: readonly Column[]; readonly children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const measure = () => setOverflows(el.scrollWidth > el.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild !== null) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div className="scroll-table">
      {overflows && (
        <p className="scroll-hint" data-testid="scroll-hint" aria-hidden="true">
          scroll →
        </p>
      )}
      <div className="table-wrap" ref={box} role="region" aria-label={label} tabIndex={0} data-overflows={overflows}>
        <table className="table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} scope="col" className={c.num === true ? "num" : undefined} title={c.title}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
    </div>
  );
}
