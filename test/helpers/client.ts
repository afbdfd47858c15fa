/**
 * An HTTP client with a cookie jar that reads the CSRF token from the last page it fetched,
 * as a browser submitting a form would. Redirects are not followed: tests assert on them.
 */
export type Page = { status: number; text: string; headers: Headers; location: string | null };

export const DEMO_PASSWORD = 'naestved-2015';

export class Client {
  private cookies = new Map<string, string>();
  csrf: string | undefined;

  constructor(readonly baseUrl: string) {}

  /** The Cookie header this client sends, for a request made without it (a multipart upload). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private async request(method: string, path: string, body?: URLSearchParams): Promise<Page> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
    });
    this.remember(res.headers);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text, headers: res.headers, location: res.headers.get('location') };
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }

  /**
   * Posts a form. The `_csrf` from the last fetched page is added unless the form sets its own
   * (pass `_csrf: ''` or a wrong value to test the refusal). Arrays become repeated fields.
   */
  async post(path: string, form: Record<string, string | string[] | undefined> = {}): Promise<Page> {
    if (!this.csrf && !('_csrf' in form)) await this.get('/login');
    const body = new URLSearchParams();
    if (!('_csrf' in form) && this.csrf) body.append('_csrf', this.csrf);
    for (const [key, value] of Object.entries(form)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
    }
    return this.request('POST', path, body);
  }

  async login(email: string, password = DEMO_PASSWORD): Promise<Page> {
    await this.get('/login');
    const page = await this.post('/login', { email, password });
    if (page.status !== 303) throw new Error(`login as ${email} failed with ${page.status}`);
    await this.get('/');
    return page;
  }

  hasSession(): boolean {
    return this.cookies.has('naernet.sid');
  }
}

/** Text content without tags, for "the page says X" assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&#34;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}
