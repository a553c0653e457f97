/**
 * Responses captured from the real servers the test stacks run on Debian 12 (nginx 1.22, HAProxy 2.6,
 * Caddy 2.6, Apache 2.4, gunicorn 20.1, uvicorn 0.17, waitress 2.1); long bodies are cut to their start.
 */
import type { WireResponse } from "../../../src/transport/send.js";

/** nginx healthy stack, "http baseline": 301. */
export const NGINX_REDIRECT: WireResponse = {
  status: 301,
  headers: [
    ["Server", "nginx"],
    ["Date", "Fri, 04 Dec 2026 08:05:54 GMT"],
    ["Content-Type", "text/html"],
    ["Content-Length", "162"],
    ["Connection", "close"],
    ["Location", "https://app.test/"],
  ],
  body: "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
  bodyTruncated: false,
};

/** nginx healthy stack, "https baseline": 200. */
export const NGINX_PROXIED: WireResponse = {
  status: 200,
  headers: [
    ["Server", "nginx"],
    ["Date", "Fri, 04 Dec 2026 08:05:54 GMT"],
    ["Content-Type", "text/html; charset=utf-8"],
    ["Content-Length", "710"],
    ["Connection", "close"],
    ["X-Frame-Options", "DENY"],
    ["Vary", "Cookie"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "same-origin"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    [
      "Set-Cookie",
      "csrftoken=Uezycr0c28Gw5nmUUc85TURZwljQAZpl; expires=Fri, 03 Dec 2027 08:05:54 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure",
    ],
    [
      "Set-Cookie",
      "sessionid=6yyqvjxw0v57nquyk0llirhrj4506mha; expires=Fri, 18 Dec 2026 08:05:54 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure",
    ],
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ],
  body: '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <title>Shop</title>\n    <link rel="canonical"',
  bodyTruncated: false,
};

/** haproxy healthy stack, "https Host: proxytrust-foreign.invalid": 421. */
export const HAPROXY_421: WireResponse = {
  status: 421,
  headers: [
    ["content-length", "104"],
    ["cache-control", "no-cache"],
    ["content-type", "text/html"],
    ["connection", "close"],
  ],
  body: "<html><body><h1>421 Misdirected Request</h1>\nRequest sent to a non-authoritative server.\n</body></html>\n",
  bodyTruncated: false,
};

/** haproxy healthy stack, "http baseline": 301. */
export const HAPROXY_REDIRECT: WireResponse = {
  status: 301,
  headers: [
    ["content-length", "0"],
    ["location", "https://app.test/"],
    ["connection", "close"],
  ],
  body: "",
  bodyTruncated: false,
};

/** haproxy passthrough stack, "https absolute-form target on proxytrust-foreign.invalid": 400. */
export const HAPROXY_400: WireResponse = {
  status: 400,
  headers: [
    ["Content-length", "90"],
    ["Cache-Control", "no-cache"],
    ["Connection", "close"],
    ["Content-Type", "text/html"],
  ],
  body: "<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n",
  bodyTruncated: false,
};

/** haproxy healthy stack, "https baseline": 200. */
export const HAPROXY_PROXIED: WireResponse = {
  status: 200,
  headers: [
    ["server", "gunicorn"],
    ["date", "Fri, 04 Dec 2026 08:06:02 GMT"],
    ["content-type", "text/html; charset=utf-8"],
    ["x-frame-options", "DENY"],
    ["vary", "Cookie"],
    ["content-length", "710"],
    ["x-content-type-options", "nosniff"],
    ["referrer-policy", "same-origin"],
    ["cross-origin-opener-policy", "same-origin"],
    [
      "set-cookie",
      "csrftoken=CadxWacA20Twqq1gAjRe0Iqx088RUrqx; expires=Fri, 03 Dec 2027 08:06:02 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure",
    ],
    [
      "set-cookie",
      "sessionid=sy4i51tw8h5abnvo91d10x8dhmdg3l14; expires=Fri, 18 Dec 2026 08:06:02 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure",
    ],
    ["strict-transport-security", "max-age=31536000; includeSubDomains"],
    ["connection", "close"],
  ],
  body: '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <title>Shop</title>\n    <link rel="canonical"',
  bodyTruncated: false,
};

/** apache healthy stack, "https Host: proxytrust-foreign.invalid": 421. */
export const APACHE_421: WireResponse = {
  status: 421,
  headers: [
    ["Date", "Fri, 04 Dec 2026 08:06:06 GMT"],
    ["Server", "Apache"],
    ["Content-Length", "362"],
    ["Connection", "close"],
    ["Content-Type", "text/html; charset=iso-8859-1"],
  ],
  body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n<html><head>\n<title>421 Misdi',
  bodyTruncated: false,
};

/** apache healthy stack, "https baseline": 200. */
export const APACHE_PROXIED: WireResponse = {
  status: 200,
  headers: [
    ["Date", "Fri, 04 Dec 2026 08:06:05 GMT"],
    ["Server", "gunicorn"],
    ["Content-Type", "text/html; charset=utf-8"],
    ["X-Frame-Options", "DENY"],
    ["Vary", "Cookie"],
    ["Content-Length", "710"],
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "same-origin"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    [
      "Set-Cookie",
      "csrftoken=F9JiH1kfg6SXQ9aaL3UqmB2rhsIegMQY; expires=Fri, 03 Dec 2027 08:06:05 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure",
    ],
    [
      "Set-Cookie",
      "sessionid=b3slx6se5lnrfyepse7pjtocerqrbgui; expires=Fri, 18 Dec 2026 08:06:05 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure",
    ],
    ["Connection", "close"],
  ],
  body: '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <title>Shop</title>\n    <link rel="canonical"',
  bodyTruncated: false,
};

/** caddy healthy stack, "https baseline": 200. */
export const CADDY_PROXIED: WireResponse = {
  status: 200,
  headers: [
    ["Content-Length", "710"],
    ["Content-Type", "text/html; charset=utf-8"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Date", "Fri, 04 Dec 2026 08:05:58 GMT"],
    ["Referrer-Policy", "same-origin"],
    ["Server", "Caddy"],
    ["Server", "gunicorn"],
    [
      "Set-Cookie",
      "csrftoken=SBofskRQtED5Ct2eXEofdCTmfNmUqvvk; expires=Fri, 03 Dec 2027 08:05:58 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure",
    ],
    [
      "Set-Cookie",
      "sessionid=4yuv9exmic3yyj4qxdjkraipvsd6ophf; expires=Fri, 18 Dec 2026 08:05:58 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure",
    ],
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
    ["Vary", "Cookie"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Connection", "close"],
  ],
  body: '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <title>Shop</title>\n    <link rel="canonical"',
  bodyTruncated: false,
};

/** caddy passthrough stack, "http + X-Forwarded-Ssl: on": 400. */
export const GUNICORN_400_BEHIND_CADDY: WireResponse = {
  status: 400,
  headers: [
    ["Content-Length", "149"],
    ["Content-Type", "text/html"],
    ["Server", "Caddy"],
    ["Date", "Fri, 04 Dec 2026 08:06:00 GMT"],
    ["Connection", "close"],
  ],
  body: "<html>\n  <head>\n    <title>Bad Request</title>\n  </head>\n  <body>\n    <h1><p>Bad Request</p></h1>\n    Contradictory scheme headers\n  </body>\n</html>\n",
  bodyTruncated: false,
};

/** uvicorn origin stack, "http baseline": 400. */
export const UVICORN_DIRECT: WireResponse = {
  status: 400,
  headers: [
    ["date", "Fri, 04 Dec 2026 08:06:09 GMT"],
    ["server", "uvicorn"],
    ["Content-Type", "text/html; charset=utf-8"],
    ["Transfer-Encoding", "chunked"],
    ["Connection", "close"],
  ],
  body: '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n',
  bodyTruncated: false,
};

/** waitress origin stack, "http baseline": 400. */
export const WAITRESS_DIRECT: WireResponse = {
  status: 400,
  headers: [
    ["Connection", "close"],
    ["Content-Type", "text/html; charset=utf-8"],
    ["Date", "Fri, 04 Dec 2026 08:06:16 GMT"],
    ["Server", "waitress"],
    ["Transfer-Encoding", "chunked"],
  ],
  body: '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n',
  bodyTruncated: false,
};

/** nginx healthy origin stack, "http baseline": 400. */
export const GUNICORN_DIRECT: WireResponse = {
  status: 400,
  headers: [
    ["Server", "gunicorn"],
    ["Date", "Fri, 04 Dec 2026 08:05:55 GMT"],
    ["Connection", "close"],
    ["Transfer-Encoding", "chunked"],
    ["Content-Type", "text/html; charset=utf-8"],
  ],
  body: '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n',
  bodyTruncated: false,
};

/** waitress healthy stack, "https baseline": 200. */
export const WAITRESS_BEHIND_NGINX: WireResponse = {
  status: 200,
  headers: [
    ["Server", "nginx"],
    ["Date", "Fri, 04 Dec 2026 08:06:16 GMT"],
    ["Content-Type", "text/html; charset=utf-8"],
    ["Content-Length", "710"],
    ["Connection", "close"],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Referrer-Policy", "same-origin"],
    [
      "Set-Cookie",
      "csrftoken=D2hQkAcbBywMp1YcaOeEabMlMYOjrxmb; expires=Fri, 03 Dec 2027 08:06:16 GMT; Max-Age=31449600; Path=/; SameSite=Lax; Secure",
    ],
    [
      "Set-Cookie",
      "sessionid=t7bhzn67lbhuy7f3wbnb0kndjhymg883; expires=Fri, 18 Dec 2026 08:06:16 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure",
    ],
    ["Vary", "Cookie"],
    ["X-Content-Type-Options", "nosniff"],
    ["X-Frame-Options", "DENY"],
    ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
  ],
  body: '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <title>Shop</title>\n    <link rel="canonical"',
  bodyTruncated: false,
};
