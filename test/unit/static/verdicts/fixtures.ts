/** Deployments shaped like the ones people run, for the verdicts that depend on both sides (proxy and Django). */

/** The upstream and the catch-all server that refuses unknown hosts on 80 and 443, as deployments write them. */
export const NGINX_UPSTREAM_AND_CATCH_ALL = `
    upstream app_server {
        server 127.0.0.1:8000 fail_timeout=0;
    }

    server {
        listen 80 default_server;
        listen 443 ssl default_server;
        server_name _;
        ssl_reject_handshake on;
        return 444;
    }
`;

/** A site whose port 80 only redirects, its HTTPS server holding `body` (locations, header lines). */
export function nginxHttpsSite(body: string): string {
  return `events {}
http {${NGINX_UPSTREAM_AND_CATCH_ALL}
    server {
        listen 80;
        server_name app.example.com;
        return 301 https://$host$request_uri;
    }
    server {
        listen 443 ssl http2;
        server_name app.example.com;
        ssl_certificate /etc/letsencrypt/live/app.example.com/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/app.example.com/privkey.pem;
${body}
    }
}
`;
}

/** One nginx server for ports 80 and 443 that proxies both and overwrites X-Forwarded-Proto with $scheme. */
export const NGINX_ONE_SERVER_BOTH_PORTS = `
events {}
http {${NGINX_UPSTREAM_AND_CATCH_ALL}
    server {
        listen 80;
        listen 443 ssl;
        server_name app.example.com;
        ssl_certificate /etc/letsencrypt/live/app.example.com/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/app.example.com/privkey.pem;
        client_max_body_size 4G;

        location /static/ {
            alias /srv/app/static/;
        }

        location / {
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host "";
            proxy_redirect off;
            proxy_pass http://app_server;
        }
    }
}
`;

/** Production settings that redirect plain HTTP themselves and read the proxy's X-Forwarded-Proto. */
export const SETTINGS_DJANGO_REDIRECTS = `
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["app.example.com"]
CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# TLS ends at nginx, which overwrites X-Forwarded-Proto with $scheme.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
`;
