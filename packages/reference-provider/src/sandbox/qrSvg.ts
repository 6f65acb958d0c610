/**
 * A QR code of a `qrContent` as an SVG image: the module matrix from `qrcode-generator` (MIT, no
 * dependencies), drawn here as one path so the image is small and scales.
 *
 * @since 0.1.0
 */
import qrcode from "qrcode-generator";

/** The SVG of `content` (error correction M, a 4-module quiet zone). */
export const qrSvg = (content: string): string => {
  const qr = qrcode(0, "M");
  qr.addData(content, "Byte");
  qr.make();
  const count = qr.getModuleCount();
  const size = count + 8;
  let path = "";
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) if (qr.isDark(row, col)) path += `M${col + 4} ${row + 4}h1v1h-1z`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img" aria-label="QR code"><rect width="${size}" height="${size}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
};
