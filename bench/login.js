/* global fetch */
/** Log in as a demo person (`who@musterstadt.example`, the demo password); returns the cookie header. */
export async function loginAs(base, who) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: `${who}@musterstadt.example`, password: 'demo1234demo' }),
  });
  if (res.status !== 200) throw new Error(`login ${who}: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
