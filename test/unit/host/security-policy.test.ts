import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isAllowedExternalUrl, isNavigationAllowed, isTrustedSender } from '../../../main/host/electron/security-policy';

describe('Electron security policy', () => {
  it('opens only https links to allowlisted hosts', () => {
    expect(isAllowedExternalUrl('https://docs.developers.optimizely.com/campaign')).toBe(true);
    expect(isAllowedExternalUrl('http://docs.developers.optimizely.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://docs.developers.optimizely.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@docs.developers.optimizely.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });

  it('trusts IPC only from the app index in the top frame', () => {
    const app = 'file:///opt/Loopdesk/resources/app.asar/dist/renderer/index.html';
    expect(isTrustedSender(app, true, app)).toBe(true);
    expect(isTrustedSender(`${app}#/activity`, true, app)).toBe(true);
    expect(isTrustedSender(app, false, app)).toBe(false);
    expect(isTrustedSender('file:///tmp/evil.html', true, app)).toBe(false);
    expect(isTrustedSender('https://evil.example/index.html', true, app)).toBe(false);
    expect(isTrustedSender(undefined, true, app)).toBe(false);
  });

  it('never allows navigation and keeps scripts to the app itself', () => {
    expect(isNavigationAllowed('https://docs.developers.optimizely.com/')).toBe(false);
    expect(isNavigationAllowed('file:///opt/Loopdesk/index.html')).toBe(false);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self';/);
  });
});

describe('isInside', () => {
  it('accepts files under the data dir and refuses escapes', async () => {
    const { isInside } = await import('../../../main/host/electron/security-policy');
    expect(isInside('/home/op/.loopdesk', '/home/op/.loopdesk/rejected/a.csv')).toBe(true);
    expect(isInside('/home/op/.loopdesk', '/home/op/.loopdesk/../.ssh/id_ed25519')).toBe(false);
    expect(isInside('/home/op/.loopdesk', '/home/op/.loopdesk-evil/x')).toBe(false);
    expect(isInside('/home/op/.loopdesk', '/home/op/.loopdesk')).toBe(false);
    expect(isInside('/home/op/.loopdesk', 'relative/.loopdesk/x')).toBe(false);
  });
});
