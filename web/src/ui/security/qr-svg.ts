/**
 * A QR code as SVG built node by node (no innerHTML, no inline style, no data: URL), so it renders
 * under our strict CSP. One <path> of unit squares on a light quiet zone: scanners need dark on light,
 * whatever the theme.
 */
import { create } from 'qrcode';

const SVG = 'http://www.w3.org/2000/svg';
const QUIET = 4;

export function qrSvg(text: string): SVGSVGElement {
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  const size = modules.size;
  const full = size + QUIET * 2;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${full} ${full}`);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('aria-hidden', 'true');
  const back = document.createElementNS(SVG, 'rect');
  back.setAttribute('width', String(full));
  back.setAttribute('height', String(full));
  back.setAttribute('fill', '#ffffff');
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (modules.get(y, x)) d += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
    }
  }
  const dots = document.createElementNS(SVG, 'path');
  dots.setAttribute('d', d);
  dots.setAttribute('fill', '#000000');
  svg.append(back, dots);
  return svg;
}
