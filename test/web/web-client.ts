import { type HttpsResponse, httpsRequest } from '../kit/https.js';

/** A cookie-keeping HTTPS client that fills in forms like a browser without scripts would. */
export class WebClient {
  private readonly cookies = new Map<string, string>();

  /** `localAddress`: the loopback source address to connect from, to act as another client IP */
  constructor(
    readonly base: string,
    private readonly localAddress?: string,
  ) {}

  async request(method: string, path: string, options: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<HttpsResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await httpsRequest(this.base + path, { method, headers, body, localAddress: this.localAddress });
    for (const line of [response.headers['set-cookie'] ?? []].flat()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      const expired = attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    return response;
  }

  get(path: string) {
    return this.request('GET', path);
  }

  /** Loads the page first to pick up its CSRF token, as a browser form would carry it. */
  async submit(pagePath: string, action: string, form: Record<string, string>): Promise<HttpsResponse> {
    const page = await this.get(pagePath);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    return this.request('POST', action, { form: csrf ? { _csrf: csrf, ...form } : form });
  }

  async csrf(): Promise<string> {
    return (await this.get('/api/v1/me')).json<{ csrf: string }>().csrf;
  }

  hasSession(): boolean {
    return this.cookies.has('__Host-sealmail');
  }
}
