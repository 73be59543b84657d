import qrcode from 'qrcode-generator';
import type { ReactNode } from 'react';

/** A QR code drawn as SVG in the page: the secret never leaves the browser for a rendering service. */
export function QrCode({ value, label }: { value: string; label: string }): ReactNode {
  const qr = qrcode(0, 'M');
  qr.addData(value);
  qr.make();
  const count = qr.getModuleCount();
  let path = '';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) {
        path += `M${col + 4},${row + 4}h1v1h-1z`;
      }
    }
  }
  const size = count + 8;
  return (
    <svg
      className="qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
