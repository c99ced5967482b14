/**
 * Never a blank page: a rendering fault in the content is shown in its place,
 * while the top bar and notices above keep working. Keyed by route in App, so
 * moving to another page tries again.
 */
import { Component, type ErrorInfo, type ReactNode } from "react";

interface State {
  readonly error: Error | null;
}

export class PageBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("page failed to render", error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="message message-error" role="alert">
        <p>
          <strong>This part of the page failed to show:</strong> {this.state.error.message}
        </p>
        <p>The node keeps running in the background.</p>
        <button type="button" onClick={() => location.reload()}>
          Reload the page
        </button>
      </div>
    );
  }
}
