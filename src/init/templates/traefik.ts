/**
 * Traefik v2/v3: static configuration (traefik.yml) and the file provider's dynamic configuration
 * (dynamic.yml). Option names follow doc.traefik.io: entryPoints.<name>.forwardedHeaders, the headers
 * middleware (stsSeconds, customRequestHeaders), redirectScheme, tls.options.default.sniStrict.
 */
import { HSTS_VALUE, STRIPPED_HEADERS, UNDERSCORE_VARIANTS } from "../headers.js";
import type { ProxiedRequest } from "../model.js";
import { upstreamAddress } from "../model.js";
import { TIERS } from "../tiers.js";
import { banner, comment, tierNotes } from "./comments.js";

const yamlString = (value: string): string => JSON.stringify(value);

function entryPointAddress(request: ProxiedRequest, port: number): string {
  return yamlString(`${request.listening.address ?? ""}:${port}`);
}

function forwardedHeaders(request: ProxiedRequest): string[] {
  if (!request.behind)
    return [
      "    # No trustedIPs: Traefik replaces every client X-Forwarded-* (Proto, Host, For, Port) with what it saw.",
    ];
  return [
    ...comment("    #", tierNotes(request)),
    "    forwardedHeaders:",
    "      trustedIPs:",
    ...TIERS[request.behind].ranges.map((range) => `        - ${yamlString(range)}`),
  ];
}

export function traefikStatic(request: ProxiedRequest): string {
  const lines = [
    ...comment("#", banner(request, "Traefik's static configuration (traefik.yml)")),
    "entryPoints:",
    "  web:",
    `    address: ${entryPointAddress(request, request.listening.httpPort)}`,
    ...forwardedHeaders(request),
    "  websecure:",
    `    address: ${entryPointAddress(request, request.listening.httpsPort)}`,
    ...forwardedHeaders(request),
    "providers:",
    "  file:",
    "    # The dynamic configuration generated beside this file.",
    "    filename: /etc/traefik/dynamic.yml",
    "",
  ];
  return lines.join("\n");
}

function hostRule(request: ProxiedRequest): string {
  return request.domains.map((domain) => `Host(\`${domain}\`)`).join(" || ");
}

function certificates(request: ProxiedRequest): string[] {
  const cert = request.listening.certificate ?? {
    cert: `/etc/letsencrypt/live/${request.domains[0]}/fullchain.pem`,
    key: `/etc/letsencrypt/live/${request.domains[0]}/privkey.pem`,
  };
  return [
    "  certificates:",
    `    - certFile: ${yamlString(cert.cert)}`,
    `      keyFile: ${yamlString(cert.key)}`,
  ];
}

export function traefikDynamic(request: ProxiedRequest): string {
  const hosts = hostRule(request);
  const [maxAge = "", , preload] = HSTS_VALUE.split("; ");
  const lines = [
    ...comment("#", banner(request, "Traefik's dynamic configuration (file provider)")),
    "http:",
    "  routers:",
    "    django:",
    `      rule: ${yamlString(hosts)}`,
    "      entryPoints: [websecure]",
    "      middlewares: [hsts, strip-client-claims]",
    "      service: django",
    "      tls: {}",
    "    # The load balancer's health check stays on plain HTTP: this router outranks the redirect.",
    "    django-health:",
    `      rule: ${yamlString(`(${hosts}) && Path(\`${request.healthPath}\`)`)}`,
    "      entryPoints: [web]",
    "      priority: 1000",
    "      middlewares: [strip-client-claims]",
    "      service: django",
    "    to-https:",
    `      rule: ${yamlString(hosts)}`,
    "      entryPoints: [web]",
    "      priority: 1",
    "      middlewares: [redirect-to-https]",
    "      service: django",
    "  middlewares:",
    "    redirect-to-https:",
    "      redirectScheme:",
    "        scheme: https",
    "        permanent: true",
    "    hsts:",
    "      headers:",
    `        stsSeconds: ${maxAge.replace("max-age=", "")}`,
    "        stsIncludeSubdomains: true",
    `        stsPreload: ${preload === "preload"}`,
    "    strip-client-claims:",
    "      headers:",
    "        # An empty value removes the header; Traefik sets X-Forwarded-* and X-Real-Ip itself.",
    "        customRequestHeaders:",
    ...[...STRIPPED_HEADERS, ...UNDERSCORE_VARIANTS].map((name) => `          ${name}: ""`),
    "  services:",
    "    django:",
    "      loadBalancer:",
    "        # Django compares Origin with the Host it receives: pass the client's.",
    "        passHostHeader: true",
    "        servers:",
    `          - url: ${yamlString(`http://${upstreamAddress(request.upstream)}`)}`,
    "tls:",
    ...certificates(request),
    "  options:",
    "    default:",
    "      # No certificate for other names: the handshake fails.",
    "      sniStrict: true",
    "      minVersion: VersionTLS12",
    "",
  ];
  return lines.join("\n");
}
