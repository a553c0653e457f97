/**
 * A synthetic nginx configuration of N server blocks, shaped like real deployments (TLS and
 * plain servers, maps, quoted values, comments, nested locations, if blocks), and a timer for
 * parse + audit over it. Run directly: `node --import tsx bench/nginx-config.ts 100 1000 10000`.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { loadNginxText } from "../src/static/nginx/loader.js";
import { nginxRules } from "../src/static/rules/nginx/index.js";

function serverBlock(i: number): string {
  const name = `app${i}.example.com`;
  if (i % 3 === 0) {
    return `
    server {
        listen 80;
        server_name ${name};
        return 301 https://$host$request_uri;
    }`;
  }
  return `
    server {
        listen 443 ssl;  # TLS
        server_name ${name} www.${name};
        ssl_certificate /etc/ssl/${name}.crt;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
        location /static/ {
            alias /srv/${name}/static/;
            add_header Cache-Control "public, max-age=3600";
        }
        location / {
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto ${i % 2 === 0 ? "$scheme" : "$forwarded_proto"};
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_pass http://backend${i % 10};
            location ~ ^/api/(?<rest>.*)$ {
                if ($request_method = OPTIONS) { return 204; }
                proxy_pass http://backend${i % 10};
            }
        }
    }`;
}

export function generateNginxConfig(servers: number): string {
  const upstreams = Array.from(
    { length: 10 },
    (_, i) => `    upstream backend${i} { server 127.0.0.1:${8000 + i}; }`,
  );
  const blocks = Array.from({ length: servers }, (_, i) => serverBlock(i));
  return [
    "worker_processes auto;",
    "events { worker_connections 1024; }",
    "http {",
    "    map $http_x_forwarded_proto $forwarded_proto { default $scheme; https https; }",
    `    log_format main '$remote_addr - "$request" $status';`,
    ...upstreams,
    ...blocks,
    "}",
    "",
  ].join("\n");
}

export interface NginxBenchResult {
  servers: number;
  bytes: number;
  parseMs: number;
  auditMs: number;
  findings: number;
}

export function benchNginx(servers: number): NginxBenchResult {
  const text = generateNginxConfig(servers);
  const start = performance.now();
  const nginx = loadNginxText(text, "/bench/nginx.conf");
  const parsed = performance.now();
  const findings = nginxRules.reduce((count, rule) => count + rule.check({ nginx }).length, 0);
  const audited = performance.now();
  return { servers, bytes: text.length, parseMs: parsed - start, auditMs: audited - parsed, findings };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const counts = process.argv.slice(2).map(Number);
  for (const servers of counts.length > 0 ? counts : [100, 1_000, 10_000]) {
    const r = benchNginx(servers);
    console.log(
      `${r.servers} servers (${(r.bytes / 1e6).toFixed(1)} MB): parse ${r.parseMs.toFixed(0)} ms, audit ${r.auditMs.toFixed(0)} ms, ${r.findings} findings`,
    );
  }
}
