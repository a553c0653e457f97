/**
 * gunicorn's defaults (20.1+), used by the rules when a setting is absent. Apart from the config
 * reader so that rules read them without loading the Python parser.
 */
export const GUNICORN_DEFAULTS = {
  bind: ["127.0.0.1:8000"],
  /** Unless $FORWARDED_ALLOW_IPS is set in gunicorn's environment. */
  forwardedAllowIps: ["127.0.0.1"],
  secureSchemeHeaders: {
    "X-FORWARDED-PROTOCOL": "ssl",
    "X-FORWARDED-PROTO": "https",
    "X-FORWARDED-SSL": "on",
  },
} as const;
