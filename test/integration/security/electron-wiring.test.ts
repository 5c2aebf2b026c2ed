import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'vite';
import { describe, expect, it } from 'vitest';

// The security rules are pure functions (test/unit/host/security-policy.test.ts); this
// proves they are actually WIRED: it parses the Electron host's sources and checks every
// window, navigation, new-window, IPC and openExternal path against them. Static, because
// no Electron binary exists on build machines; the shapes checked are the ones that matter
// (a guard moved behind the action, or an IPC handler added without the sender check, fails).

const root = fileURLToPath(new URL('../../../', import.meta.url));
const electronDir = join(root, 'main', 'host', 'electron');

// A loose ESTree node: enough structure for the checks below.
interface Node {
  readonly type: string;
  readonly [key: string]: unknown;
}

function parse(file: string): Node {
  const result = parseSync(file, readFileSync(file, 'utf8'), { lang: 'ts', sourceType: 'module' });
  if (result.errors.length) throw new Error(`${file} does not parse: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.program as unknown as Node;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Every node under `node`, depth first, with its ancestors. */
function* walk(node: Node, ancestors: readonly Node[] = []): Generator<{ node: Node; ancestors: readonly Node[] }> {
  yield { node, ancestors };
  for (const [key, value] of Object.entries(node)) {
    if (key === 'parent') continue;
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) if (isNode(child)) yield* walk(child, [...ancestors, node]);
  }
}

function unwrap(node: Node): Node {
  return node.type === 'ChainExpression' || node.type === 'TSNonNullExpression' || node.type === 'TSAsExpression' ? unwrap(node.expression as Node) : node;
}

/** `a.b.c` for member chains and identifiers, '' otherwise. */
function dotted(node: Node | undefined | null): string {
  if (!node) return '';
  const n = unwrap(node);
  if (n.type === 'Identifier') return n.name as string;
  if (n.type === 'MemberExpression' && !n.computed) {
    const object = dotted(n.object as Node);
    return object ? `${object}.${(n.property as Node).name as string}` : '';
  }
  return '';
}

function calls(program: Node, callee: (name: string) => boolean): Node[] {
  return [...walk(program)].map((w) => w.node).filter((n) => n.type === 'CallExpression' && callee(dotted(n.callee as Node)));
}

function literal(node: Node | undefined): unknown {
  return node && node.type === 'Literal' ? node.value : undefined;
}

function paramName(fn: Node, index: number): string {
  const p = (fn.params as Node[])[index];
  return p && p.type === 'Identifier' ? (p.name as string) : '';
}

function objectProperties(object: Node): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const p of object.properties as Node[]) {
    if (p.type !== 'Property') continue;
    const key = p.key as Node;
    map.set(key.type === 'Identifier' ? (key.name as string) : String(literal(key)), p.value as Node);
  }
  return map;
}

function isFunction(node: Node | undefined): node is Node {
  return !!node && (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression');
}

/** The handler's statements; an expression-bodied arrow counts as one return. */
function statements(fn: Node): Node[] {
  const body = fn.body as Node;
  return body.type === 'BlockStatement' ? (body.body as Node[]) : [{ type: 'ReturnStatement', argument: body }];
}

const main = parse(join(electronDir, 'electron-main.ts'));
const preload = parse(join(electronDir, 'preload.ts'));
const hostFiles = readdirSync(electronDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, program: parse(join(electronDir, f)) }));

describe('Electron host wiring (static)', () => {
  it('creates every window with contextIsolation, sandbox, no Node integration and no middle-click windows', () => {
    const windows = [...walk(main)].map((w) => w.node).filter((n) => n.type === 'NewExpression' && dotted(n.callee as Node) === 'BrowserWindow');
    expect(windows.length).toBeGreaterThan(0);
    for (const win of windows) {
      const options = (win.arguments as Node[])[0];
      expect(options?.type).toBe('ObjectExpression');
      const prefs = objectProperties(options).get('webPreferences');
      expect(prefs?.type, 'every BrowserWindow names its webPreferences').toBe('ObjectExpression');
      const p = objectProperties(prefs!);
      expect(literal(p.get('contextIsolation'))).toBe(true);
      expect(literal(p.get('sandbox'))).toBe(true);
      expect(literal(p.get('nodeIntegration'))).toBe(false);
      expect(literal(p.get('webSecurity')) ?? true).toBe(true);
      expect(String(literal(p.get('disableBlinkFeatures')) ?? '')).toContain('Auxclick');
      for (const risky of ['nodeIntegrationInSubFrames', 'nodeIntegrationInWorker', 'allowRunningInsecureContent', 'experimentalFeatures', 'webviewTag', 'enableBlinkFeatures']) {
        expect(p.has(risky), `webPreferences.${risky} must stay unset`).toBe(false);
      }
    }
  });

  it('denies navigation in every web contents through isNavigationAllowed', () => {
    const created = calls(main, (n) => n === 'app.on').filter((c) => literal((c.arguments as Node[])[0]) === 'web-contents-created');
    expect(created).toHaveLength(1);
    const hook = (created[0].arguments as Node[])[1];
    expect(isFunction(hook)).toBe(true);
    const contents = paramName(hook, 1);
    const on = (event: string) => calls(hook, (n) => n === `${contents}.on`).filter((c) => literal((c.arguments as Node[])[0]) === event);

    for (const event of ['will-navigate', 'will-frame-navigate']) {
      const [registration, ...more] = on(event);
      expect(registration, `${event} is handled for every web contents`).toBeDefined();
      expect(more).toEqual([]);
      const handler = (registration.arguments as Node[])[1];
      const ev = paramName(handler, 0);
      const [first] = statements(handler);
      // if (!isNavigationAllowed(<url>)) <event>.preventDefault();
      expect(first.type).toBe('IfStatement');
      const test = first.test as Node;
      expect(test.type === 'UnaryExpression' && test.operator === '!').toBe(true);
      const guard = test.argument as Node;
      expect(dotted(guard.callee as Node)).toBe('isNavigationAllowed');
      const urlArg = dotted((guard.arguments as Node[])[0]);
      expect(urlArg === paramName(handler, 1) || urlArg === `${ev}.url`, `${event} checks the target URL, got ${urlArg}`).toBe(true);
      expect(calls(first.consequent as Node, (n) => n === `${ev}.preventDefault`)).toHaveLength(1);
    }

    const [webview] = on('will-attach-webview');
    expect(webview, 'webviews are refused').toBeDefined();
    const webviewHandler = (webview.arguments as Node[])[1];
    expect(calls(webviewHandler, (n) => n === `${paramName(webviewHandler, 0)}.preventDefault`)).toHaveLength(1);
  });

  it('denies every window.open and sends links only through the checked openExternal', () => {
    const created = calls(main, (n) => n === 'app.on').find((c) => literal((c.arguments as Node[])[0]) === 'web-contents-created')!;
    const hook = (created.arguments as Node[])[1];
    const handlers = calls(hook, (n) => n === `${paramName(hook, 1)}.setWindowOpenHandler`);
    expect(handlers).toHaveLength(1);
    const handler = (handlers[0].arguments as Node[])[0];
    const returns = [...walk(handler)].map((w) => w.node).filter((n) => n.type === 'ReturnStatement');
    const expressionBody = (handler.body as Node).type !== 'BlockStatement' ? [handler.body as Node] : [];
    const values = [...returns.map((r) => r.argument as Node), ...expressionBody];
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) {
      expect(value.type).toBe('ObjectExpression');
      expect(literal(objectProperties(value).get('action'))).toBe('deny');
    }
    expect(calls(handler, (n) => n === 'openExternal').length).toBe(1);
    expect(calls(handler, (n) => n.endsWith('shell.openExternal'))).toEqual([]);

    // shell.openExternal is reached only from openExternal(), after isAllowedExternalUrl said yes.
    for (const { file, program } of hostFiles) {
      for (const { node, ancestors } of walk(program)) {
        if (node.type !== 'CallExpression' || dotted(node.callee as Node) !== 'shell.openExternal') continue;
        const fn = [...ancestors].reverse().find((a) => a.type === 'FunctionDeclaration');
        expect(`${file}: ${fn ? dotted(fn.id as Node) : '(top level)'}`).toBe('electron-main.ts: openExternal');
        const body = (fn!.body as Node).body as Node[];
        const guardIndex = body.findIndex(
          (s) => s.type === 'IfStatement' && (s.test as Node).type === 'UnaryExpression' && dotted(((s.test as Node).argument as Node).callee as Node) === 'isAllowedExternalUrl' && (s.consequent as Node).type === 'ReturnStatement',
        );
        const callIndex = body.findIndex((s) => s.start === undefined || ((s.start as number) <= (node.start as number) && (s.end as number) >= (node.end as number)));
        expect(guardIndex, 'openExternal returns early unless isAllowedExternalUrl').toBeGreaterThanOrEqual(0);
        expect(guardIndex).toBeLessThan(callIndex);
      }
    }
  });

  it('checks the sender of every IPC message with isTrustedSender before anything else', () => {
    for (const { file, program } of hostFiles) {
      if (file === 'electron-main.ts') continue;
      expect(calls(program, (n) => n.startsWith('ipcMain.')), `${file} registers IPC outside electron-main.ts`).toEqual([]);
    }
    const registrations = calls(main, (n) => /^ipcMain\.(handle|handleOnce|on|once|addListener)$/.test(n));
    expect(registrations.length).toBeGreaterThanOrEqual(3);
    for (const registration of registrations) {
      const channel = literal((registration.arguments as Node[])[0]);
      const handler = (registration.arguments as Node[])[1];
      expect(isFunction(handler), `${String(channel)}: handler is an inline function`).toBe(true);
      const event = paramName(handler, 0);
      const [first] = statements(handler);
      const test = first?.test as Node | undefined;
      const guard = test?.type === 'UnaryExpression' && test.operator === '!' ? (test.argument as Node) : undefined;
      expect(first?.type === 'IfStatement' && dotted(guard?.callee as Node) === 'isTrustedSender', `${String(channel)}: first statement is if (!isTrustedSender(…)) return`).toBe(true);
      const [frameUrl, isTop, appUrl] = (guard!.arguments as Node[]).map((a) => dotted(a));
      expect(frameUrl).toBe(`${event}.senderFrame.url`);
      const top = (guard!.arguments as Node[])[1];
      expect(top.type === 'BinaryExpression' && top.operator === '===' && dotted(top.left as Node) === `${event}.senderFrame` && dotted(top.right as Node) === `${event}.sender.mainFrame`, `${String(channel)}: top-frame test ${isTop}`).toBe(true);
      expect(appUrl).toBe('indexUrl');
      const consequent = first.consequent as Node;
      expect(consequent.type === 'ReturnStatement' || (consequent.type === 'BlockStatement' && ((consequent.body as Node[])[0]?.type === 'ReturnStatement'))).toBe(true);
    }
    // indexUrl is the page every window loads.
    const source = readFileSync(join(electronDir, 'electron-main.ts'), 'utf8');
    expect(source).toMatch(/const indexUrl = pathToFileURL\(indexFile\)\.href;/);
    expect(source).toMatch(/win\.loadFile\(indexFile\)/);
  });

  it('sets the CSP header on the default session and refuses other permissions', () => {
    const [onHeaders, ...more] = calls(main, (n) => n === 'session.defaultSession.webRequest.onHeadersReceived');
    expect(onHeaders).toBeDefined();
    expect(more).toEqual([]);
    const cspProperties = [...walk(onHeaders)]
      .map((w) => w.node)
      .filter((n) => n.type === 'Property' && literal(n.key as Node) === 'Content-Security-Policy');
    expect(cspProperties).toHaveLength(1);
    const value = cspProperties[0].value as Node;
    expect(value.type).toBe('ArrayExpression');
    expect((value.elements as Node[]).map((e) => dotted(e))).toEqual(['CONTENT_SECURITY_POLICY']);

    const [permissions] = calls(main, (n) => n === 'session.defaultSession.setPermissionRequestHandler');
    expect(permissions, 'a permission request handler is installed').toBeDefined();
    expect(calls(permissions, (n) => n === 'isTrustedSender')).toHaveLength(1);
    expect(calls(main, (n) => n === 'session.defaultSession.setPermissionCheckHandler')).toHaveLength(1);
  });

  it('preload exposes a small, reviewed API: the contract allowlist, and IPC only to guarded channels', () => {
    const exposed = calls(preload, (n) => n === 'contextBridge.exposeInMainWorld');
    expect(exposed).toHaveLength(1);
    const [name, api] = exposed[0].arguments as Node[];
    expect(literal(name)).toBe('loopdesk');
    const members = new Map(
      (api.properties as Node[]).map((p) => [p.type === 'Property' ? String((p.key as Node).name) : p.type, p.type === 'Property' ? (p.value as Node) : p] as const),
    );
    // A new member of the bridge is a security review: add it here with its checks.
    expect([...members.keys()].sort()).toEqual(['invoke', 'pathForFile', 'reveal', 'subscribe']);

    // invoke/subscribe: the allowlist check comes first; the IPC call only after it.
    const invoke = members.get('invoke')!;
    expect(calls(statements(invoke)[0], (n) => n === 'METHOD_CHANNELS.has')).toHaveLength(1);
    expect(statements(invoke)[0].type).toBe('IfStatement');
    expect(calls(statements(invoke)[0], (n) => n.startsWith('ipcRenderer.'))).toEqual([]);
    const subscribe = members.get('subscribe')!;
    expect(calls(statements(subscribe)[0], (n) => n === 'EVENT_CHANNELS.has')).toHaveLength(1);
    expect(statements(subscribe)[0].type).toBe('IfStatement');
    expect(calls(statements(subscribe)[0], (n) => n.startsWith('ipcRenderer.'))).toEqual([]);
    // The listener gets the payload only, never the IpcRendererEvent.
    const listener = paramName(subscribe, 1);
    const forwarded = calls(subscribe, (n) => n === listener);
    expect(forwarded.length).toBeGreaterThan(0);
    for (const call of forwarded) expect(call.arguments as Node[]).toHaveLength(1);
    // pathForFile: only webUtils, only for File objects.
    const pathForFile = members.get('pathForFile')!;
    expect(calls(pathForFile, (n) => n.startsWith('ipcRenderer.'))).toEqual([]);
    expect(calls(pathForFile, (n) => n === 'webUtils.getPathForFile')).toHaveLength(1);

    // No Electron object crosses the bridge as a value.
    for (const { node } of walk(api)) {
      if (node.type === 'Property') expect(['ipcRenderer', 'webUtils', 'contextBridge']).not.toContain(dotted(node.value as Node));
      if (node.type === 'ReturnStatement' && node.argument) expect(['ipcRenderer', 'webUtils']).not.toContain(dotted(node.argument as Node));
    }

    // Every channel the preload talks on has a handler in main, and those are all guarded (test above).
    const preloadChannels = new Set(calls(preload, (n) => /^ipcRenderer\.(invoke|send|sendSync)$/.test(n)).map((c) => literal((c.arguments as Node[])[0])));
    const mainChannels = new Set(calls(main, (n) => /^ipcMain\.(handle|handleOnce|on|once)$/.test(n)).map((c) => literal((c.arguments as Node[])[0])));
    expect([...preloadChannels].every((c) => typeof c === 'string'), 'IPC channel names are literals').toBe(true);
    for (const channel of preloadChannels) expect(mainChannels.has(channel), `${String(channel)} has a guarded handler in main`).toBe(true);
    expect(calls(preload, (n) => n === 'ipcRenderer.sendSync')).toEqual([]);
  });

  it('ships the renderer page with a CSP meta tag that keeps scripts to the app', () => {
    // Electron loads dist/renderer/index.html from file://, where a response header may not
    // apply: the meta tag the Vite build injects is the policy that certainly holds.
    const built = join(root, 'dist', 'renderer', 'index.html');
    expect(existsSync(built), 'dist/renderer/index.html is missing: build the renderer first (`node main/build/build-app.mjs --renderer-only`; `npm test` does it)').toBe(true);
    const html = readFileSync(built, 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(meta, 'the built page has a CSP meta tag').not.toBeNull();
    const policy = meta![1].replace(/&#39;/g, "'").replace(/&quot;/g, '"');
    const directives = new Map(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v] as const));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(policy).not.toContain('unsafe-eval');
    // It is the first thing in <head>, so it governs every script and stylesheet after it.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    // The source page gets it from the build plugin (the dev server needs an inline script).
    const viteConfig = readFileSync(join(root, 'renderer', 'vite.config.ts'), 'utf8');
    expect(viteConfig).toContain("\"script-src 'self'\"");
    expect(viteConfig).toMatch(/plugins:\s*\[[^\]]*contentSecurityPolicy\(\)/);
  });
});
