// The functions host of the embedded platform, driven over real HTTP with fetch against the fixture app
// test/fixtures/http-app: HTTP triggers (routes, methods, query, headers, cookies, bodies, status codes, errors,
// keys), timer triggers on the virtual clock, describeFunctions(), app hooks, and start-up failures.
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestPlatform } from '../../src/testing';

const appRoot = path.resolve(__dirname, '../fixtures/http-app');
const unsupportedAppRoot = path.resolve(__dirname, '../fixtures/unsupported-app');
const FUNCTION_KEY = 'functions-host-test-function-key';
const MASTER_KEY = 'functions-host-test-master-key';
const START = Date.parse('2026-03-02T10:02:30Z');
const MINUTE = 60_000;

/** Settings this file writes into process.env (through startTestPlatform); restored in afterAll. */
const ENV_KEYS = [
  'LOCAL_FUNCTION_KEY',
  'LOCAL_MASTER_KEY',
  'HTTP_APP_HOURLY_SCHEDULE',
  'WEBSITE_HOSTNAME',
  'LOCAL_DURABLE_SYSTEM_KEY',
];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

interface TimerPayload {
  isPastDue: boolean;
  schedule?: { adjustForDST?: boolean };
  scheduleStatus: { last: string; next: string; lastUpdated: string };
}

interface TimerCall {
  name: string;
  now: number;
  timer: TimerPayload;
  functionName: string;
}

interface HookEntry {
  phase: 'appStart' | 'pre' | 'post';
  functionName?: string;
  invocationId?: string;
  hookDataFromPre?: number;
  error?: string | null;
}

const timerCalls: TimerCall[] = [];
const hookLog = (): HookEntry[] => (globalThis as unknown as { __httpAppHookLog: HookEntry[] }).__httpAppHookLog;

let t: TestPlatform;
const api = (route: string): string => `${t.baseUrl}/api/${route}`;

afterAll(async () => {
  await t?.stop();
  delete (globalThis as Record<string, unknown>).__httpAppTimerProbe;
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('start-up failures', () => {
  it('an app with a trigger the platform cannot serve stops start-up with an error naming the function and its trigger type', async () => {
    const started = startTestPlatform({ appRoot: unsupportedAppRoot });
    await expect(started).rejects.toThrow(/processOrderQueue/);
    await expect(started).rejects.toThrow(/queueTrigger/);
    await expect(started).rejects.toMatchObject({ name: 'UnsupportedTriggerError' });
  });

  it('a %SETTING% in a timer schedule that no setting defines stops start-up naming the setting', async () => {
    delete process.env.HTTP_APP_HOURLY_SCHEDULE;
    const started = startTestPlatform({ appRoot });
    await expect(started).rejects.toThrow(/HTTP_APP_HOURLY_SCHEDULE/);
    await expect(started).rejects.toThrow(/hourlyFromSetting/);
  });
});

describe('functions host', () => {
  beforeAll(async () => {
    (globalThis as Record<string, unknown>).__httpAppTimerProbe = (
      name: string,
      timer: TimerPayload,
      functionName: string,
    ) => timerCalls.push({ name, now: t.clock!.now(), timer, functionName });
    t = await startTestPlatform({
      appRoot,
      startTime: START,
      settings: {
        LOCAL_FUNCTION_KEY: FUNCTION_KEY,
        LOCAL_MASTER_KEY: MASTER_KEY,
        HTTP_APP_HOURLY_SCHEDULE: '0 0 * * * *',
        LOCAL_DURABLE_SYSTEM_KEY: '',
      },
    });
  });

  describe('HTTP routes', () => {
    it('items/{id:int} matches integers only, and a literal route wins over a parameter', async () => {
      let res = await fetch(api('items/42'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: '42', kind: 'item' });
      res = await fetch(api('items/-7'));
      expect(await res.json()).toEqual({ id: '-7', kind: 'item' });
      res = await fetch(api('items/new'));
      expect(await res.json()).toEqual({ kind: 'form' });
      expect((await fetch(api('items/abc'))).status).toBe(404);
      expect((await fetch(api('items/99999999999'))).status).toBe(404); // beyond Int32
      expect((await fetch(api('items/4.5'))).status).toBe(404);
    });

    it('hello/{name?}: the optional parameter may be left out; values are URL-decoded', async () => {
      let res = await fetch(api('hello'));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Hello, world!');
      res = await fetch(api('hello/'));
      expect(await res.text()).toBe('Hello, world!');
      res = await fetch(api('hello/Ann'));
      expect(await res.text()).toBe('Hello, Ann!');
      res = await fetch(api('hello/Ann%20Lee'));
      expect(await res.text()).toBe('Hello, Ann Lee!');
      res = await fetch(api('hello/%C3%89lodie'));
      expect(await res.text()).toBe('Hello, Élodie!');
      expect((await fetch(api('hello/a/b'))).status).toBe(404);
    });

    it('files/{*path}: the catch-all takes the rest of the path, or nothing; the literal files/special wins', async () => {
      let res = await fetch(api('files/a/b/c.txt'));
      expect(await res.json()).toEqual({ path: 'a/b/c.txt' });
      res = await fetch(api('files'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ path: null });
      res = await fetch(api('files/special'));
      expect(await res.json()).toEqual({ special: true });
      res = await fetch(api('files/special/inner.txt'));
      expect(await res.json()).toEqual({ path: 'special/inner.txt' });
    });

    it('routes match without regard to case, the api prefix included (ASP.NET routing)', async () => {
      let res = await fetch(api('HELLO/Bo'));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Hello, Bo!');
      res = await fetch(`${t.baseUrl}/API/hello/Bo`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Hello, Bo!');
    });

    it('a malformed percent-escape in the path reaches the route as it is (as Kestrel leaves it), not a 500', async () => {
      const res = await fetch(api('hello/%ZZ'));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Hello, %ZZ!');
    });

    it('a function without a route is served at its name, with the default methods GET and POST', async () => {
      let res = await fetch(api('defaultRoute'));
      expect(await res.text()).toBe('default route via GET');
      res = await fetch(api('defaultRoute'), { method: 'POST' });
      expect(await res.text()).toBe('default route via POST');
      res = await fetch(api('defaultRoute'), { method: 'PUT' });
      expect(res.status).toBe(405);
    });

    it('an unknown route is a 404', async () => {
      expect((await fetch(api('no/such/function'))).status).toBe(404);
      expect((await fetch(`${t.baseUrl}/not-under-the-prefix`)).status).toBe(404);
    });
  });

  describe('HTTP methods', () => {
    it('a method the function does not allow is a 405 with an Allow header', async () => {
      const res = await fetch(api('items/5'), { method: 'POST', body: '{}' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET');
    });

    it('one route served by two functions, one per method; other methods are a 405 listing both', async () => {
      let res = await fetch(api('widgets'));
      expect(await res.json()).toEqual({ action: 'list' });
      res = await fetch(api('widgets'), {
        method: 'POST',
        body: JSON.stringify({ name: 'w1' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ action: 'create', widget: { name: 'w1' } });
      res = await fetch(api('widgets'), { method: 'DELETE' });
      expect(res.status).toBe(405);
      const allow = (res.headers.get('allow') ?? '')
        .split(',')
        .map((m) => m.trim())
        .sort();
      expect(allow).toEqual(['GET', 'POST']);
    });
  });

  describe('HTTP requests and responses', () => {
    it('query parameters arrive decoded', async () => {
      const res = await fetch(api('echo?a=1&b=two%20words&c=%C3%A9&empty='));
      const body = (await res.json()) as { query: Record<string, string> };
      expect(body.query).toEqual({ a: '1', b: 'two words', c: 'é', empty: '' });
    });

    it('a repeated query parameter arrives comma-joined, as the Functions host passes it to the worker', async () => {
      const res = await fetch(api('echo?tag=x&tag=y'));
      const body = (await res.json()) as { query: Record<string, string> };
      expect(body.query.tag).toBe('x,y');
    });

    it('request headers reach the function and its response headers reach the caller', async () => {
      const res = await fetch(api('echo'), {
        method: 'PUT',
        headers: { 'x-custom': 'custom value', 'content-type': 'text/plain' },
        body: 'put body',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-echo-method')).toBe('PUT');
      expect(res.headers.get('x-fixture')).toBe('http-app');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        method: 'PUT',
        custom: 'custom value',
        contentType: 'text/plain',
        body: 'put body',
      });
      expect(new URL(body.url as string).pathname).toBe('/api/echo');
    });

    it('request cookies arrive in the cookie header', async () => {
      const res = await fetch(api('echo'), { headers: { cookie: 'a=1; b=two' } });
      expect(((await res.json()) as { cookie: string }).cookie).toBe('a=1; b=two');
    });

    it('response cookies become Set-Cookie headers with their attributes', async () => {
      const res = await fetch(api('cookies'));
      expect(res.status).toBe(200);
      const cookies = res.headers.getSetCookie();
      expect(cookies).toHaveLength(4);
      const byName = Object.fromEntries(cookies.map((c) => [c.split('=')[0], c]));

      const session = byName.session;
      expect(session.startsWith('session=abc123')).toBe(true);
      expect(session).toMatch(/;\s*path=\//i);
      expect(session).toMatch(/;\s*httponly/i);
      expect(session).toMatch(/;\s*secure/i);
      expect(session).toMatch(/;\s*samesite=strict/i);
      expect(session).toMatch(/;\s*max-age=3600/i);

      expect(byName.laxOne).toMatch(/;\s*samesite=lax/i);
      expect(byName.laxOne).toMatch(/;\s*domain=example\.test/i);
      expect(byName.crossSite).toMatch(/;\s*samesite=none(;|$)/i);
      expect(byName.crossSite).toMatch(/;\s*secure/i);
    });

    it('a cookie without sameSite gets no SameSite attribute (the host maps the unset value to Unspecified)', async () => {
      const res = await fetch(api('cookies'));
      const plain = res.headers.getSetCookie().find((c) => c.startsWith('plain='));
      expect(plain).toBeDefined();
      expect(plain!.split(';')[0]).toBe('plain=one');
      expect(plain).not.toMatch(/samesite/i);
      expect(plain).not.toMatch(/secure|httponly|max-age|expires/i);
    });

    it('JSON bodies: request.json() in, jsonBody out', async () => {
      const res = await fetch(api('json/sum'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ numbers: [1, 2, 3.5], note: 'ünï' }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ received: { numbers: [1, 2, 3.5], note: 'ünï' }, sum: 6.5 });
    });

    it('text bodies keep their UTF-8 characters both ways', async () => {
      const text = 'héllo wörld ✓ 日本';
      const res = await fetch(api('text/shout'), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: text,
      });
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe(`${text.toUpperCase()} (${[...text].length} chars)`);
    });

    it('binary bodies round-trip byte for byte', async () => {
      const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const payload = Buffer.concat([
        every,
        randomBytes(256 * 1024),
        every.reverse(),
        Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]),
      ]);
      const res = await fetch(api('binary'), {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: payload,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('x-received-bytes')).toBe(String(payload.length));
      const back = Buffer.from(await res.arrayBuffer());
      expect(back.length).toBe(payload.length);
      expect(back.equals(payload)).toBe(true);
    });

    it('status codes set by the function reach the caller', async () => {
      for (const code of [200, 201, 202, 400, 404, 409, 418, 503]) {
        const res = await fetch(api(`status/${code}`));
        expect(res.status, `status ${code}`).toBe(code);
        expect(await res.text()).toBe(`status ${code}`);
      }
      const res = await fetch(api('status/204'));
      expect(res.status).toBe(204);
      expect(await res.text()).toBe('');
    });

    it('a handler that throws is a 500', async () => {
      const res = await fetch(api('throws'));
      expect(res.status).toBe(500);
      // The platform is still serving afterwards.
      expect((await fetch(api('hello/again'))).status).toBe(200);
    });
  });

  describe('keys (authLevel)', () => {
    const get = (route: string, key?: { code?: string; header?: string }): Promise<Response> => {
      const url = new URL(api(route));
      if (key?.code) url.searchParams.set('code', key.code);
      return fetch(url, { headers: key?.header ? { 'x-functions-key': key.header } : {} });
    };

    it("authLevel 'function': 401 without a key or with a wrong one; 200 with the function or master key, as ?code= or x-functions-key", async () => {
      expect((await get('secure/function')).status).toBe(401);
      expect((await get('secure/function', { code: 'wrong' })).status).toBe(401);
      expect((await get('secure/function', { header: 'wrong' })).status).toBe(401);
      for (const key of [FUNCTION_KEY, MASTER_KEY]) {
        let res = await get('secure/function', { code: key });
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('function-level ok');
        res = await get('secure/function', { header: key });
        expect(res.status).toBe(200);
      }
    });

    it("authLevel 'admin': only the master key opens it; the function key does not", async () => {
      expect((await get('secure/admin')).status).toBe(401);
      expect((await get('secure/admin', { code: FUNCTION_KEY })).status).toBe(401);
      expect((await get('secure/admin', { header: FUNCTION_KEY })).status).toBe(401);
      let res = await get('secure/admin', { code: MASTER_KEY });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('admin-level ok');
      res = await get('secure/admin', { header: MASTER_KEY });
      expect(res.status).toBe(200);
    });

    it("authLevel 'anonymous' is always open, whatever key is presented", async () => {
      expect((await get('secure/anonymous')).status).toBe(200);
      expect((await get('secure/anonymous', { code: 'anything' })).status).toBe(200);
      expect((await get('secure/anonymous', { header: FUNCTION_KEY })).status).toBe(200);
    });
  });

  describe('describeFunctions()', () => {
    it('lists every function once with its trigger, and HTTP functions with their methods and URL', () => {
      const lines = t.platform.describeFunctions();
      const names = [
        ...['greet', 'explode', 'quick', 'approval', 'failing', 'sleeper', 'httpStart'],
        ...[
          'getItem',
          'newItemForm',
          'hello',
          'files',
          'specialFile',
          'listWidgets',
          'createWidget',
          'echo',
          'jsonSum',
          'shout',
        ],
        ...[
          'binaryEcho',
          'statusCode',
          'cookieJar',
          'throws',
          'functionLevel',
          'adminLevel',
          'anonymousLevel',
          'defaultRoute',
          'hooked',
        ],
        ...['everyFiveMinutes', 'hourlyFromSetting'],
      ];
      expect(lines).toHaveLength(names.length);
      expect(lines.map((l) => l.split(':')[0]).sort()).toEqual([...names].sort());
      const line = (name: string): string => lines.find((l) => l.startsWith(`${name}:`))!;

      expect(line('getItem')).toBe(`getItem: [GET] ${t.baseUrl}/api/items/{id:int}`);
      expect(line('hello')).toBe(`hello: [GET] ${t.baseUrl}/api/hello/{name?}`);
      expect(line('files')).toBe(`files: [GET] ${t.baseUrl}/api/files/{*path}`);
      expect(line('echo')).toBe(`echo: [GET,POST,PUT] ${t.baseUrl}/api/echo`);
      expect(line('httpStart')).toBe(`httpStart: [POST] ${t.baseUrl}/api/start/{orchestratorName}/{instanceId?}`);
      expect(line('defaultRoute')).toBe(`defaultRoute: [GET,POST] ${t.baseUrl}/api/defaultRoute`);
      expect(line('everyFiveMinutes')).toMatch(/timerTrigger/);
      expect(line('everyFiveMinutes')).toContain('0 */5 * * * *');
      expect(line('hourlyFromSetting')).toMatch(/timerTrigger/);
      expect(line('quick')).toMatch(/orchestrationTrigger/);
      expect(line('greet')).toMatch(/activityTrigger/);
      // Every advertised HTTP URL is really served (no 404 for the listed route).
      for (const l of lines.filter((x) => x.includes('/api/')))
        expect(l).toMatch(/^\w+: \[[A-Z,]+\] http:\/\/127\.0\.0\.1:\d+\/api\//);
    });
  });

  describe('timer triggers on the virtual clock', () => {
    it("'0 */5 * * * *' fires at every fifth minute: 3 times in 16 minutes", async () => {
      expect(t.clock!.now()).toBe(START);
      const before = timerCalls.length;
      await t.advanceTime('16m');
      expect(t.clock!.now()).toBe(START + 16 * MINUTE);
      const calls = timerCalls.slice(before).filter((c) => c.name === 'everyFiveMinutes');
      expect(calls.map((c) => new Date(c.now).toISOString())).toEqual([
        '2026-03-02T10:05:00.000Z',
        '2026-03-02T10:10:00.000Z',
        '2026-03-02T10:15:00.000Z',
      ]);
      for (const c of calls) {
        expect(c.functionName).toBe('everyFiveMinutes');
        expect(c.timer.isPastDue).toBe(false);
        const last = Date.parse(c.timer.scheduleStatus.last);
        const next = Date.parse(c.timer.scheduleStatus.next);
        expect(Number.isNaN(last) || Number.isNaN(next)).toBe(false);
        expect(next - last).toBe(5 * MINUTE);
        expect(last).toBeLessThanOrEqual(c.now);
        expect(next).toBeGreaterThanOrEqual(c.now);
        expect((last / MINUTE) % 5).toBe(0);
      }
      expect(timerCalls.slice(before).filter((c) => c.name === 'hourlyFromSetting')).toEqual([]);
    });

    it('a %SETTING% schedule is resolved from the settings: the hourly timer fires at 11:00 only', async () => {
      const before = timerCalls.length;
      await t.advanceTime('45m'); // 10:18:30 -> 11:03:30
      const hourly = timerCalls.slice(before).filter((c) => c.name === 'hourlyFromSetting');
      expect(hourly.map((c) => new Date(c.now).toISOString())).toEqual(['2026-03-02T11:00:00.000Z']);
      expect(hourly[0].timer.isPastDue).toBe(false);
      const five = timerCalls.slice(before).filter((c) => c.name === 'everyFiveMinutes');
      expect(five).toHaveLength(9); // 10:20 ... 11:00
      expect(new Date(five[0].now).toISOString()).toBe('2026-03-02T10:20:00.000Z');
      expect(new Date(five[8].now).toISOString()).toBe('2026-03-02T11:00:00.000Z');
    });
  });

  describe('app hooks', () => {
    it('appStart ran once when the platform started', () => {
      expect(hookLog().filter((e) => e.phase === 'appStart')).toHaveLength(1);
    });

    it('preInvocation and postInvocation run around an HTTP invocation and share hookData', async () => {
      const before = hookLog().length;
      const res = await fetch(api('hello/Hooks'));
      expect(await res.text()).toBe('Hello, Hooks!');
      const entries = hookLog()
        .slice(before)
        .filter((e) => e.functionName === 'hello');
      expect(entries.map((e) => e.phase)).toEqual(['pre', 'post']);
      expect(entries[0].invocationId).toBeTruthy();
      expect(entries[1].invocationId).toBe(entries[0].invocationId);
      expect(entries[1].hookDataFromPre).toBe(hookLog().indexOf(entries[0]));
      expect(entries[1].error).toBeNull();
    });

    it('postInvocation sees a thrown error, and may replace the result', async () => {
      let before = hookLog().length;
      expect((await fetch(api('throws'))).status).toBe(500);
      const post = hookLog()
        .slice(before)
        .find((e) => e.phase === 'post' && e.functionName === 'throws');
      expect(post?.error).toBe('fixture handler failure');

      before = hookLog().length;
      const res = await fetch(api('hooked'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ from: 'postInvocation hook', original: { from: 'handler' } });
      expect(
        hookLog()
          .slice(before)
          .map((e) => `${e.phase}:${e.functionName}`),
      ).toEqual(['pre:hooked', 'post:hooked']);
    });

    it('hooks run around timer invocations too', async () => {
      const before = hookLog().length;
      await t.advanceTime('5m'); // 11:03:30 -> 11:08:30: one five-minute fire at 11:05
      const entries = hookLog()
        .slice(before)
        .filter((e) => e.functionName === 'everyFiveMinutes');
      expect(entries.map((e) => e.phase)).toEqual(['pre', 'post']);
    });
  });
});
