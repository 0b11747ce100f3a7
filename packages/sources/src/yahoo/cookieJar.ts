/**
 * A minimal cookie jar for the Yahoo session: remembers `name=value` pairs from `Set-Cookie`
 * headers (dropping those that expire at once) and sends them all back. Domains and paths are not
 * tracked: every request of the session goes to Yahoo (or to the one `baseUrl` origin).
 *
 * @internal
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Number of cookies held. */
  get size(): number {
    return this.cookies.size;
  }

  /** Stores the cookies of a response. */
  store(headers: Headers): void {
    const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
    for (const line of list) {
      const [pair = '', ...attrs] = line.split(';');
      const i = pair.indexOf('=');
      if (i <= 0) continue;
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => {
        const [k = '', v = ''] = a.split('=');
        return k.trim().toLowerCase() === 'max-age' && Number(v) <= 0;
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The `Cookie` header value (empty string when the jar is empty). */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Forgets every cookie. */
  clear(): void {
    this.cookies.clear();
  }
}
