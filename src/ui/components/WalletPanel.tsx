/** The wallet: address, balances, paying, history, and the key's safekeeping. */
import { useTabnode } from "../store.ts";
import { nounFor, plainDigits } from "../format.ts";
import { AddressCard } from "./AddressCard.tsx";
import { BackupBadge, BackupFile, BackupReminder } from "./BackupFile.tsx";
import { ExportKey } from "./ExportKey.tsx";
import { HistoryList } from "./HistoryList.tsx";
import { ImportKey } from "./ImportKey.tsx";
import { Empty, Panel, Stat } from "./Panel.tsx";
import { PasswordSettings } from "./PasswordSettings.tsx";
import { SendForm } from "./SendForm.tsx";
import { UnlockForm } from "./UnlockForm.tsx";
import { WalletSettings, WalletSwitcher } from "./WalletSwitcher.tsx";

function Balances() {
  const balance = useTabnode((s) => s.balance);
  return (
    <dl className="stats">
      <Stat label="Confirmed balance" value={plainDigits(balance.confirmed)} unit={nounFor(balance.confirmed, "coin")} testId="balance" />
      <Stat label="Pending" value={`${balance.pending > 0 ? "+" : ""}${plainDigits(balance.pending)}`} unit={nounFor(balance.pending, "coin")} />
      <Stat label="Spendable" value={plainDigits(balance.spendable)} unit={nounFor(balance.spendable, "coin")} />
    </dl>
  );
}

export function WalletPanel() {
  const wallet = useTabnode((s) => s.wallet);
  const history = useTabnode((s) => s.history);
  return (
    <>
      <Panel
        title="Wallet"
        aside={
          <span className="panel-aside">
            <WalletSwitcher />
            <BackupBadge />
            {wallet.encrypted && <span className="badge">{wallet.locked ? "locked" : "password set"}</span>}
          </span>
        }
      >
        {wallet.address === null ? <Empty>Opening the wallet…</Empty> : <AddressCard address={wallet.address} />}
        <Balances />
        <h3>Send coins</h3>
        {wallet.locked ? <UnlockForm /> : <SendForm />}
      </Panel>
      <Panel title="History" aside={<span className="count">{history.length}</span>}>
        <HistoryList items={history} />
      </Panel>
      <Panel title="Key and backup">
        <BackupReminder />
        <BackupFile locked={wallet.locked} />
        <WalletSettings />
        {!wallet.locked && <ExportKey />}
        <details className="disclosure">
          <summary>Import a private key</summary>
          <ImportKey />
        </details>
        {!wallet.locked && (
          <details className="disclosure">
            <summary>{wallet.encrypted ? "Change or remove the password" : "Protect the key with a password"}</summary>
            <PasswordSettings encrypted={wallet.encrypted} />
          </details>
        )}
      </Panel>
    </>
  );
}
