import { clientValueRule } from "./header-up.js";

export const caddyHeaderUpClientHost = clientValueRule(
  "caddy-header-up-client-host",
  "forwarded-host",
  ["x-forwarded-host", "host"],
  "header_up copies a client header into the host Django sees",
  "With USE_X_FORWARDED_HOST (or for Host itself) the client decides request.get_host(): reset links and redirects can point anywhere ALLOWED_HOSTS allows.",
);
