/**
 * The HTTP messages of the lab: curl's request and nginx's response, with the lengths
 * the real tools put on the wire (curl 7.88 `GET /` to an IP host: 77 bytes; nginx's
 * response headers: 236 bytes before the body), so tcpdump lengths look real.
 */
import type { AppData } from '../net/packet';

export const CURL_AGENT = 'curl/7.88.1';

export function httpRequest(host: string, path = '/'): { data: AppData; len: number } {
  const data: AppData = { app: 'http-req', method: 'GET', path, host, agent: CURL_AGENT };
  // "GET / HTTP/1.1\r\nHost: H\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n"
  const len = `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${CURL_AGENT}\r\nAccept: */*\r\n\r\n`.length;
  return { data, len };
}

/**
 * `GET /` to an address: the message is immutable, so one object per server address
 * serves every request (the heavy-load benchmark sends 10,000 a second).
 */
const rootRequests = new Map<string, { data: AppData; len: number }>();

export function httpRootRequest(host: string): { data: AppData; len: number } {
  let r = rootRequests.get(host);
  if (!r) {
    r = httpRequest(host, '/');
    if (rootRequests.size < 4096) rootRequests.set(host, r);
  }
  return r;
}

const NGINX_HEADER_LEN = 236;

export function httpResponse(status: number, body: string): { data: AppData; len: number } {
  return { data: { app: 'http-resp', status, body }, len: NGINX_HEADER_LEN + body.length };
}
