/** The body of a `defaults` section most HTTP configurations start with: the tests' common preamble. */
export const HTTP_DEFAULTS = `  mode http
  timeout client 30s
  timeout server 30s
  timeout connect 5s`;
