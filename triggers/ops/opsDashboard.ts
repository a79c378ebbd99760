import { app, HttpRequest, HttpResponseInit } from '@azure/functions';
import { dashboardAsset } from '../../dashboard/server/assets';
import { errorResponse } from '../errorResponse';

/**
 * The page may load only the app's own files and call only the app; it may not be framed (clickjacking on the
 * replay buttons); style attributes are refused (the page sets styles through the CSSOM).
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

/**
 * GET /api/ops/ui/...: the operations dashboard, shipped with the app. The files hold no data and no key, so
 * they are served without one; every call the page makes goes to the ops API with the key the user enters.
 */
export async function dashboardHttp(request: HttpRequest): Promise<HttpResponseInit> {
  const name = request.params.asset ?? '';
  // Relative module and API paths resolve against the folder, so the page always lives at .../ui/.
  if (name === '' && !new URL(request.url).pathname.endsWith('/'))
    return { status: 308, headers: { location: `${new URL(request.url).pathname}/`, ...SECURITY_HEADERS } };
  const asset = await dashboardAsset(name);
  if (!asset)
    return {
      ...errorResponse(404, {
        code: 'NotFound',
        message: `The dashboard has no file "${name}".`,
        where: 'path',
        fix: 'Open /api/ops/ui/ for the dashboard.',
      }),
      headers: SECURITY_HEADERS,
    };
  if (request.headers.get('if-none-match') === asset.etag)
    return { status: 304, headers: { etag: asset.etag, ...SECURITY_HEADERS } };
  return {
    status: 200,
    headers: { 'content-type': asset.contentType, etag: asset.etag, ...SECURITY_HEADERS },
    body: asset.body,
  };
}

app.http('opsDashboard', {
  route: 'ops/ui/{*asset}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: dashboardHttp,
});
