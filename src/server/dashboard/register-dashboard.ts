/**
 * @module server/dashboard/register-dashboard
 * Fastify plugin that serves the live dashboard: `GET <basePath>/` (the HTML page), `GET <basePath>/dashboard.js`
 * and `GET <basePath>/dashboard.css`. The assets are TypeScript string constants: no build step and no file reads
 * at runtime. The routes need no API key (the page holds none of the data); the page asks for the key and sends it
 * as `Authorization: Bearer <key>` to the `/v1` API, which is always served at the root.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { InvalidArgumentError } from '../../index.js';
import { DASHBOARD_CSS } from './dashboard-css.js';
import { DASHBOARD_EDGES_JS } from './dashboard-dag-edges.js';
import { dashboardHtml } from './dashboard-html.js';
import { DASHBOARD_RENDER_JS } from './dashboard-render.js';
import { DASHBOARD_JS } from './dashboard-script.js';
import { DASHBOARD_DETAIL_JS } from './dashboard-task-detail.js';

/** Options of {@link registerDashboard}. */
export interface DashboardOptions {
  /** Path prefix the page is served under, e.g. `/dashboard`. Default `''`: the page is `/`. */
  readonly basePath?: string;
}

/** A base path: empty, or `/`-separated URL-safe segments without a trailing slash. */
const BASE_PATH = /^(?:\/[A-Za-z0-9._~-]+)*$/;

/**
 * The page may only talk to its own origin: no external requests, no inline script or style, no framing.
 * `data:` images cover the empty favicon.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
} as const;

/**
 * Registers the dashboard routes on `app` (the HTTP server calls it from `createServer`).
 * @throws InvalidArgumentError (`invalid_argument`) for a `basePath` that is not `/`-separated URL-safe segments.
 */
export async function registerDashboard(app: FastifyInstance, options: DashboardOptions = {}): Promise<void> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  if (!BASE_PATH.test(basePath)) {
    throw new InvalidArgumentError({ parameter: 'options.basePath', value: options.basePath, expected: 'a path such as "/dashboard" (letters, digits, . _ ~ -)' });
  }
  const html = dashboardHtml(basePath);
  const script = DASHBOARD_JS.replace('/* @render */', () => `${DASHBOARD_RENDER_JS}${DASHBOARD_DETAIL_JS}${DASHBOARD_EDGES_JS}`);
  const send = (reply: FastifyReply, type: string, body: string): FastifyReply => reply.headers(SECURITY_HEADERS).type(type).send(body);
  app.get(basePath === '' ? '/' : basePath, async (_request, reply) => send(reply, 'text/html; charset=utf-8', html));
  if (basePath !== '') app.get(`${basePath}/`, async (_request, reply) => send(reply, 'text/html; charset=utf-8', html));
  app.get(`${basePath}/dashboard.js`, async (_request, reply) => send(reply, 'text/javascript; charset=utf-8', script));
  app.get(`${basePath}/dashboard.css`, async (_request, reply) => send(reply, 'text/css; charset=utf-8', DASHBOARD_CSS));
  await Promise.resolve();
}
