// Same-origin access to the API: /api/* is forwarded to TRADELOOM_API_ORIGIN, read when the server
// runs (Next's rewrites are fixed at build time, and the API's address is known only at start).
// Cookies, the CSRF header and the API's answers (status, body, Set-Cookie) pass through unchanged.
import type { NextRequest } from 'next/server';

export const dynamic = 'force-dynamic';

const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'cookie',
  'user-agent',
  'x-csrf-token',
  'x-request-id',
];
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'cache-control',
  'retry-after',
  'x-request-id',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];

function apiOrigin(): string {
  const origin = process.env.TRADELOOM_API_ORIGIN;
  if (origin === undefined || origin === '') throw new Error('TRADELOOM_API_ORIGIN is not set');
  return origin.replace(/\/$/, '');
}

async function forward(request: NextRequest): Promise<Response> {
  const target = `${apiOrigin()}${request.nextUrl.pathname}${request.nextUrl.search}`;
  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let answer: Response;
  try {
    answer = await fetch(target, {
      method: request.method,
      headers,
      redirect: 'manual',
      cache: 'no-store',
      ...(hasBody ? { body: await request.arrayBuffer() } : {}),
    });
  } catch {
    return Response.json({ code: 'API_UNREACHABLE', message: 'The API cannot be reached' }, { status: 502 });
  }
  const out = new Headers();
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) out.set(name, value);
  }
  for (const cookie of answer.headers.getSetCookie()) out.append('set-cookie', cookie);
  const body = answer.status === 204 || answer.status === 304 ? null : await answer.arrayBuffer();
  return new Response(body, { status: answer.status, headers: out });
}

export const GET = forward;
export const POST = forward;
export const PUT = forward;
export const PATCH = forward;
export const DELETE = forward;
