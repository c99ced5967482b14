/**
 * The page: the top bar and notices always; below them either the dashboard
 * (wallet and mining on one side, the network on the other) or a detail page
 * chosen by the hash route.
 */
import { useEffect } from "react";
import { Announcer, DocumentTitle, SkipLinks } from "./components/Accessibility.tsx";
import { BlockFeed } from "./components/BlockFeed.tsx";
import { ChartsPanel } from "./components/Charts.tsx";
import { DetailPage } from "./components/DetailPage.tsx";
import { Message } from "./components/Field.tsx";
import { MempoolPanel } from "./components/MempoolPanel.tsx";
import { MiningPanel } from "./components/MiningPanel.tsx";
import { NodeLog } from "./components/NodeLog.tsx";
import { PageBoundary } from "./components/PageBoundary.tsx";
import { PeersPanel } from "./components/PeersPanel.tsx";
import { useRoute } from "./components/Router.tsx";
import { StatusNotices } from "./components/StatusNotices.tsx";
import { TopBar } from "./components/TopBar.tsx";
import { UpdateNotice } from "./components/UpdateNotice.tsx";
import { WalletPanel } from "./components/WalletPanel.tsx";

function Dashboard() {
  return (
    <div className="columns">
      <div className="column column-wallet">
        <WalletPanel />
      </div>
      <div className="column column-network">
        <MiningPanel />
        <PeersPanel />
        <BlockFeed />
        <ChartsPanel />
        <MempoolPanel />
        <NodeLog />
      </div>
    </div>
  );
}

export function App({ startFailure = null }: { readonly startFailure?: string | null }) {
  const route = useRoute();
  const routeKey = route.page === "home" || route.page === "unknown" ? route.page : `${route.page}/${route.id}`;
  // A detail page opened from low in the block feed should start at its top.
  // (Braces: newer Chromium returns a promise from scrollTo, which an effect must not return.)
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [routeKey]);
  return (
    <>
      <SkipLinks home={route.page === "home" || route.page === "unknown"} />
      <TopBar />
      <StatusNotices startFailure={startFailure} />
      <Announcer />
      <DocumentTitle />
      <UpdateNotice />
      <main className="main" id="main" tabIndex={-1}>
        <PageBoundary key={routeKey}>
          {route.page === "home" || route.page === "unknown" ? (
            <>
              {route.page === "unknown" && (
                <Message tone="warn">
                  There is no page at “#/{route.path}”. Here is the wallet instead.
                </Message>
              )}
              <Dashboard />
            </>
          ) : (
            <DetailPage kind={route.page} id={route.id} />
          )}
        </PageBoundary>
      </main>
    </>
  );
}
