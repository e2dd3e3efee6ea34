/**
 * @module server/dashboard/dashboard-dag-edges
 * Draws the task DAG's edges (spliced into dashboard-script.ts after the renderers): an SVG layer under the task
 * cards with one arrow per dependency, from the dependency's card to the card of the task that uses it. Wide
 * screens lay topological levels side by side (arrows run left to right between columns); narrow ones stack them
 * (arrows run down a gutter on the left). Redrawn after every render, on resize and when a card opens or closes.
 */

/** Browser code; see dashboard-script.ts. No backticks, no template substitutions. */
export const DASHBOARD_EDGES_JS = String.raw`
// ---------------------------------------------------------------- DAG edges

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attributes) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  return node;
}

/** Wires redraws once per container: on resize of the page or the container, and when a card's panel toggles. */
function wireDagEdges(container) {
  if (container.getAttribute('data-edges-wired') === 'true') return;
  container.setAttribute('data-edges-wired', 'true');
  let pending = false;
  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawDagEdges(container, state.dagNodes || []);
    });
  };
  container.addEventListener('toggle', redraw, true);
  window.addEventListener('resize', redraw);
  if (typeof ResizeObserver === 'function') new ResizeObserver(redraw).observe(container);
}

function drawDagEdges(container, nodes) {
  state.dagNodes = nodes;
  wireDagEdges(container);
  const old = container.querySelector(':scope > svg.edges');
  if (old) old.remove();
  const ids = new Set(nodes.map((node) => node.id));
  const edges = [];
  for (const node of nodes) for (const dependency of node.dependencies) if (ids.has(dependency)) edges.push([dependency, node.id]);
  if (edges.length === 0) return;
  const box = container.getBoundingClientRect();
  const width = container.scrollWidth;
  const height = container.scrollHeight;
  const svg = svgEl('svg', { class: 'edges', 'data-testid': 'dag-edges', 'aria-hidden': 'true', width, height, viewBox: '0 0 ' + width + ' ' + height });
  const marker = svgEl('marker', { id: 'dag-arrow', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svgEl('path', { d: 'M0,0 L8,4 L0,8 z', class: 'edge-head' }));
  const defs = svgEl('defs');
  defs.append(marker);
  svg.append(defs);
  const rectOf = (id) => {
    const card = container.querySelector('[data-testid="task-' + CSS.escape(id) + '"]');
    if (!card) return null;
    const r = card.getBoundingClientRect();
    const left = r.left - box.left + container.scrollLeft;
    const top = r.top - box.top + container.scrollTop;
    return { left, top, right: left + r.width, bottom: top + r.height, height: r.height };
  };
  for (const [from, to] of edges) {
    const a = rectOf(from);
    const b = rectOf(to);
    if (!a || !b) continue;
    let d;
    if (b.left >= a.right - 1) {
      // Side by side: from the dependency's right edge to the user's left edge, near their titles.
      const y1 = a.top + Math.min(18, a.height / 2);
      const y2 = b.top + Math.min(18, b.height / 2);
      const bend = Math.max(12, (b.left - a.right) / 2);
      d = 'M' + a.right + ',' + y1 + ' C' + (a.right + bend) + ',' + y1 + ' ' + (b.left - bend) + ',' + y2 + ' ' + (b.left - 1) + ',' + y2;
    } else {
      // Stacked: down the gutter on the left, from beside the dependency's title to beside the user's.
      const y1 = a.top + Math.min(14, a.height / 2);
      const y2 = b.top + Math.min(14, b.height / 2);
      const gutter = Math.max(2, Math.min(a.left, b.left) - 12);
      d = 'M' + a.left + ',' + y1 + ' C' + gutter + ',' + y1 + ' ' + gutter + ',' + y2 + ' ' + (b.left - 1) + ',' + y2;
    }
    svg.append(svgEl('path', { d, class: 'edge', 'data-from': from, 'data-to': to, 'marker-end': 'url(#dag-arrow)' }));
  }
  container.prepend(svg);
}
`;
