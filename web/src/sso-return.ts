/**
 * The way back from a provider: `/?sso=CODE` (a sign-in to finish) or `/?ssoLinked=PROVIDER` (a
 * provider just linked to my account). Both leave the address bar at once, before anything else runs,
 * so the one-time code is never in the history, a bookmark, a reload or a shared link.
 */

export interface SsoReturn {
  /** The exchange code to trade, when the browser came back from a sign-in. */
  code: string | null;
  /** The provider id, when the browser came back from linking one. */
  linked: string | null;
}

/** Reads both parameters from a URL, and the URL without them (null when there was nothing to take). */
export function readSsoReturn(href: string): SsoReturn & { cleaned: string | null } {
  const url = new URL(href);
  const code = url.searchParams.get('sso');
  const linked = url.searchParams.get('ssoLinked');
  if (!url.searchParams.has('sso') && !url.searchParams.has('ssoLinked'))
    return { code: null, linked: null, cleaned: null };
  url.searchParams.delete('sso');
  url.searchParams.delete('ssoLinked');
  return {
    code: code === '' ? null : code,
    linked: linked === '' ? null : linked,
    cleaned: url.pathname + url.search + url.hash,
  };
}

/** Takes the parameters out of this page's address (history.replaceState: no new entry, no reload). */
export function takeSsoReturn(): SsoReturn {
  const { code, linked, cleaned } = readSsoReturn(window.location.href);
  if (cleaned !== null) window.history.replaceState(window.history.state, '', cleaned);
  return { code, linked };
}
