/**
 * Synthetic nginx configurations of N server blocks in two shapes, written the way big hosts lay
 * them out: a main nginx.conf whose http block includes sites/*.conf, each file holding a batch of
 * sites. "small": compact TLS and redirect servers. "multi-site": what a busy multi-site host
 * writes per site (an upstream with a backup and keepalive, a map for WebSocket upgrades, a plain
 * server redirecting to HTTPS beside ACME challenges, a TLS server with HSTS and security headers,
 * static, media and health locations, a nested regex location with an `if`).
 * Run directly to write one: `node --import tsx bench/nginx-config.ts multi-site 10000 /tmp/conf`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const SHAPES = ["small", "multi-site"] as const;
export type Shape = (typeof SHAPES)[number];

/** Server blocks per included file: a few hundred sites a file, as generated configs often hold. */
const SERVERS_PER_FILE = 500;

/** One server block (and what it uses) for site `i`: a redirect to HTTPS, or a proxied TLS site; returns the text and its server count. */
function smallSite(i: number): { text: string; servers: number } {
  const name = `app${i}.example.com`;
  if (i % 3 === 0) {
    return {
      servers: 1,
      text: `
server {
    listen 80;
    server_name ${name};
    return 301 https://$host$request_uri;
}`,
    };
  }
  return {
    servers: 1,
    text: `
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
}`,
  };
}

function multiSite(i: number): { text: string; servers: number } {
  const name = `site${i}.example.net`;
  const app = `site${i}_app`;
  const port = 8000 + (i % 1000);
  return {
    servers: 2,
    text: `
# ${name}
upstream ${app} {
    server 127.0.0.1:${port} max_fails=3 fail_timeout=10s;
    server 127.0.0.1:${port + 1000} backup;
    keepalive 16;
}

map $http_upgrade $site${i}_connection {
    default upgrade;
    ''      close;
}

server {
    listen 80;
    listen [::]:80;
    server_name ${name} www.${name};

    location /.well-known/acme-challenge/ {
        root /var/www/letsencrypt;
    }
    location / {
        return 301 https://${name}$request_uri;
    }
}

server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name ${name} www.${name};

    ssl_certificate     /etc/letsencrypt/live/${name}/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/${name}/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;

    add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
    add_header X-Content-Type-Options "nosniff" always;
    add_header Referrer-Policy "same-origin" always;

    client_max_body_size 20m;
    access_log /var/log/nginx/${name}.access.log main;
    error_log  /var/log/nginx/${name}.error.log warn;

    gzip on;
    gzip_types text/css application/javascript application/json image/svg+xml;

    location /static/ {
        alias /srv/${name}/static/;
        expires 30d;
        add_header Cache-Control "public, immutable";
        access_log off;
    }

    location /media/ {
        alias /srv/${name}/media/;
        expires 7d;
    }

    location = /healthz {
        access_log off;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_pass http://${app};
    }

    location / {
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $site${i}_connection;
        proxy_http_version 1.1;
        proxy_read_timeout 60s;
        proxy_pass http://${app};

        location ~ ^/api/v\\d+/ {
            if ($request_method = OPTIONS) {
                add_header Access-Control-Allow-Origin "https://${name}" always;
                add_header Access-Control-Max-Age 600 always;
                return 204;
            }
            proxy_pass http://${app};
        }
    }
}`,
  };
}

const SITE_WRITERS: Record<Shape, (i: number) => { text: string; servers: number }> = {
  small: smallSite,
  "multi-site": multiSite,
};

const MAIN_CONF = `user www-data;
worker_processes auto;
pid /run/nginx.pid;

events { worker_connections 4096; }

http {
    include mime.types;
    default_type application/octet-stream;
    sendfile on;
    server_tokens off;
    map $http_x_forwarded_proto $forwarded_proto { default $scheme; https https; }
    log_format main '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent';
${Array.from({ length: 10 }, (_, i) => `    upstream backend${i} { server 127.0.0.1:${8000 + i}; }`).join("\n")}

    server {
        listen 80 default_server;
        listen 443 ssl default_server;
        server_name _;
        ssl_certificate /etc/ssl/default.crt;
        return 444;
    }

    include sites/*.conf;
}
`;

/** The files of a configuration with `servers` server blocks (beside the default server), by relative path. */
export function generateNginxConfig(shape: Shape, servers: number): Map<string, string> {
  const files = new Map([
    ["nginx.conf", MAIN_CONF],
    ["mime.types", "types {\n    text/html html;\n    text/css css;\n    application/javascript js;\n}\n"],
  ]);
  let batch: string[] = [];
  let inBatch = 0;
  const flush = () => {
    files.set(`sites/${String(files.size - 1).padStart(5, "0")}.conf`, batch.join("\n") + "\n");
    batch = [];
    inBatch = 0;
  };
  for (let site = 0, written = 0; written < servers; site++) {
    const { text, servers: count } = SITE_WRITERS[shape](site);
    batch.push(text);
    written += count;
    inBatch += count;
    if (inBatch >= SERVERS_PER_FILE) flush();
  }
  if (batch.length > 0) flush();
  return files;
}

/** Writes the configuration under `dir`; returns the main file's path and the total size. */
export function writeNginxConfig(
  shape: Shape,
  servers: number,
  dir: string,
): { main: string; bytes: number } {
  let bytes = 0;
  mkdirSync(join(dir, "sites"), { recursive: true });
  for (const [file, text] of generateNginxConfig(shape, servers)) {
    writeFileSync(join(dir, file), text);
    bytes += text.length;
  }
  return { main: join(dir, "nginx.conf"), bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [shape, servers, dir] = process.argv.slice(2);
  if (!SHAPES.includes(shape as Shape) || !Number(servers) || !dir) {
    console.error(`usage: bench/nginx-config.ts ${SHAPES.join("|")} SERVERS DIR`);
    process.exit(2);
  }
  const { main, bytes } = writeNginxConfig(shape as Shape, Number(servers), dir);
  console.log(`${main} (${(bytes / 1e6).toFixed(1)} MB)`);
}
