/**
 * Two people in one browser, in real Chromium: one browser context, two tabs.
 * The second tab makes a new wallet; the first mines and pays it; the second
 * sees the coins. A new tab opens the last wallet used; a rename shows in the
 * other tab's list; switching opens the chosen wallet.
 */
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { until } from "../support/native-process.ts";
import { ADDRESS, numberOf as num, pageServerForSuite, SHOTS, textOf as text, walletShown } from "../support/page-session.ts";

const stage = pageServerForSuite();

const options = (page: Page) => page.getByTestId("wallet-select").locator("option").allTextContents();

async function onNetwork(page: Page): Promise<void> {
  await until("relay connected", async () => (await text(page, "relay-status")).includes("connected"), 20_000);
  await until("a peer", async () => (await num(page, "peer-count")) >= 1, 20_000);
}

describe("several wallets in one browser", () => {
  it("tab 2 makes a new wallet, tab 1 mines and pays it, tab 2 sees the coins; new tabs open the last wallet used", async () => {
    const context = await stage.context();
    const one = await stage.open("tab 1", context);
    const addressA = await text(one, "address");
    // A new tab opens the last wallet used: the first tab's.
    const two = await stage.open("tab 2", context);
    expect(await text(two, "address")).toBe(addressA);
    expect(await options(two)).toHaveLength(1);

    await two.getByTestId("wallet-new").click();
    const addressB = await until("tab 2 on a new wallet", async () => {
      const shown = await text(two, "address");
      return ADDRESS.test(shown) && shown !== addressA ? shown : null;
    });
    // Tab 1 keeps its wallet; its list learns of the new one.
    expect(await text(one, "address")).toBe(addressA);
    await until("tab 1 lists both wallets", async () => (await options(one)).length === 2, 10_000);
    expect(await options(two)).toHaveLength(2);
    await two.screenshot({ path: `${SHOTS}wallets-01-tab2-new-wallet.png`, fullPage: true });

    for (const page of [one, two]) await onNetwork(page);
    await one.getByTestId("mine-toggle").click();
    await until("tab 1's first reward", async () => (await num(one, "balance")) >= 297, 60_000);
    await one.getByTestId("mine-toggle").click();
    await one.getByTestId("send-to").fill(addressB);
    await one.getByTestId("send-amount").fill("100");
    await one.getByTestId("send-gas").fill("1");
    await one.getByTestId("send-submit").click();
    await until("tab 2 sees the payment pending", async () => /\+100/.test(await two.getByText(/^\+\d+$/).first().textContent().catch(() => "") ?? ""), 30_000);
    await one.getByTestId("mine-toggle").click();
    await until("tab 2 sees 100 confirmed", async () => (await num(two, "balance")) === 100, 180_000);
    await one.getByTestId("mine-toggle").click();
    expect(await text(one, "address")).toBe(addressA);
    await until("the home node has the payment", async () => (await stage.home.get(`/api/balance/${addressB}`)).balance === 100, 30_000);
    await one.screenshot({ path: `${SHOTS}wallets-02-tab1-paid.png`, fullPage: true });
    await two.screenshot({ path: `${SHOTS}wallets-03-tab2-received.png`, fullPage: true });

    // A third tab opens the last wallet used: the one tab 2 made.
    const three = await stage.open("tab 3", context);
    expect(await text(three, "address")).toBe(addressB);

    // A rename in tab 2 reaches tab 1's list.
    await two.locator("summary", { hasText: /^Rename/ }).click();
    await two.getByTestId("wallet-rename").fill("Bob");
    await two.getByRole("button", { name: "Rename", exact: true }).click();
    await until("tab 1 lists Bob", async () => (await options(one)).some((o) => o.startsWith("Bob (")), 10_000);

    // Switching in tab 3 opens the chosen wallet there, and only there.
    const firstId = await one.getByTestId("wallet-select").inputValue();
    await three.getByTestId("wallet-select").selectOption(firstId);
    await walletShown(three, addressA);
    expect(await text(two, "address")).toBe(addressB);
    await three.getByTestId("wallet-select").scrollIntoViewIfNeeded();
    await three.screenshot({ path: `${SHOTS}wallets-04-tab3-switched.png` });
  }, 360_000);
});

describe("a backup file", () => {
  it("downloads encrypted, restores in a fresh browser to the same address, and refuses a wrong password or file at its field", async () => {
    const first = await stage.open("backup", await stage.context());
    const address = await text(first, "address");
    await first.getByTestId("backup-reminder").waitFor();
    await first.getByTestId("backup-badge").waitFor();
    // Too short a password: refused next to the field, nothing downloaded.
    await first.getByTestId("backup-password").fill("short");
    await first.getByTestId("backup-password-repeat").fill("short");
    await first.getByTestId("backup-download").click();
    await first.getByText(/at least 8 characters/).waitFor();
    const password = "correct horse battery";
    await first.getByTestId("backup-password").fill(password);
    await first.getByTestId("backup-password-repeat").fill(password);
    const [download] = await Promise.all([first.waitForEvent("download"), first.getByTestId("backup-download").click()]);
    const file = `${stage.dist}/../backup-${Date.now()}.json`;
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^tabnode-Wallet-1-[0-9a-f]{8}\.json$/);
    const saved = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    expect(saved).toMatchObject({ format: "tabnode-wallet-backup", address, cipher: "AES-GCM", kdf: { name: "PBKDF2", hash: "SHA-256", iterations: 600_000 } });
    expect(JSON.stringify(saved)).not.toContain((await exportedKey(first)).slice(0, 16));
    await until("the reminder gone once backed up", async () => (await first.getByTestId("backup-reminder").count()) + (await first.getByTestId("backup-badge").count()) === 0, 10_000);
    await first.getByTestId("backup-download").scrollIntoViewIfNeeded();
    await first.screenshot({ path: `${SHOTS}backup-01-downloaded.png` });

    // A fresh browser profile: its own new wallet, then the restore.
    const fresh = await stage.open("restore", await stage.context());
    expect(await text(fresh, "address")).not.toBe(address);
    await fresh.locator("summary", { hasText: "Restore a wallet from a backup file" }).click();
    await fresh.getByTestId("restore-file").setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from('{"hello":1}') });
    await fresh.getByTestId("restore-password").fill(password);
    await fresh.getByTestId("restore-submit").click();
    expect(await fresh.getByTestId("restore-file-error").textContent()).toMatch(/not a Tabnode wallet backup/);
    await fresh.getByTestId("restore-file").setInputFiles(file);
    await fresh.getByTestId("restore-password").fill("wrong password");
    await fresh.getByTestId("restore-submit").click();
    const passwordError = fresh.locator('[data-testid="restore-password"] ~ .field-error');
    await passwordError.waitFor({ timeout: 20_000 });
    expect(await passwordError.textContent()).toMatch(/does not open this backup/);
    await fresh.getByTestId("restore-submit").scrollIntoViewIfNeeded();
    await fresh.screenshot({ path: `${SHOTS}backup-02-wrong-password.png` });

    await fresh.getByTestId("restore-password").fill(password);
    await fresh.getByTestId("restore-submit").click();
    await walletShown(fresh, address);
    expect(await options(fresh)).toEqual([expect.stringMatching(/^Wallet 1 \(/), expect.stringMatching(/^Wallet 1 \(restored\) \(/)]);
    // A restored wallet is one the person holds a backup of: no reminder.
    expect(await fresh.getByTestId("backup-reminder").count()).toBe(0);
    await fresh.screenshot({ path: `${SHOTS}backup-03-restored.png` });
  }, 120_000);
});

async function exportedKey(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Show the private key…" }).click();
  await page.getByRole("button", { name: "Show my private key" }).click();
  const key = (await page.locator(".secret").textContent()) ?? "";
  await page.getByRole("button", { name: "Hide" }).click();
  expect(key).toMatch(/^[0-9a-f]{64}$/);
  return key;
}

describe("the storage notice", () => {
  it("explains the risk, and once dismissed stays away after a reload", async () => {
    const page = await stage.open("storage", await stage.context());
    const notice = page.getByTestId("storage-notice");
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/may clear it when the disk runs low.*backup file/);
    await page.screenshot({ path: `${SHOTS}storage-01-notice.png` });
    await page.getByTestId("storage-dismiss").click();
    expect(await notice.count()).toBe(0);
    await page.reload();
    await walletShown(page);
    // The storage question is asked at start, before the worker opens the relay: by "connected" the notice would be up.
    await until("relay connected", async () => (await text(page, "relay-status")).includes("connected"), 20_000);
    expect(await page.getByTestId("storage-notice").count()).toBe(0);
  }, 60_000);
});
