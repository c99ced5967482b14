/** The wallet's address in full (people compare it character by character), to copy or scan. */
import { toDataURL } from "qrcode";
import { useEffect, useState } from "react";
import { CopyButton } from "./CopyButton.tsx";

function useQrCode(text: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    // Error level M: the address is long, and a phone camera reads a denser code less surely.
    toDataURL(text, { errorCorrectionLevel: "M", margin: 1, width: 176 }).then(
      (dataUrl) => current && setUrl(dataUrl),
      () => current && setUrl(null),
    );
    return () => {
      current = false;
    };
  }, [text]);
  return url;
}

export function AddressCard({ address }: { readonly address: string }) {
  const qr = useQrCode(address);
  // On a phone the code would push the send form off the first screen: it waits behind a button there (CSS decides).
  const [qrShown, setQrShown] = useState(false);
  return (
    <div className={qrShown ? "address-card qr-shown" : "address-card"}>
      <div className="address-text">
        <div className="label">Your address</div>
        <p className="mono address-full" data-testid="address">
          {address}
        </p>
        <div className="row">
          <CopyButton value={address} label="Copy address" />
          <button type="button" className="button-small qr-toggle" aria-expanded={qrShown} onClick={() => setQrShown(!qrShown)}>
            {qrShown ? "Hide QR code" : "Show QR code"}
          </button>
        </div>
      </div>
      {qr !== null && <img className="qr" src={qr} width={176} height={176} alt="QR code of your address" />}
    </div>
  );
}
