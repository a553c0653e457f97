export type ProxyName = "nginx" | "caddy" | "haproxy" | "apache";
export type Variant = "healthy" | "passthrough" | "loop" | "hostrewrite";

/** Where the proxy reaches gunicorn. */
export type Upstream = { kind: "tcp"; host: string; port: number } | { kind: "unix"; path: string };
