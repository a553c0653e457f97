/** HTTP's grammar pieces (RFC 9110), shared by the header parsers and the transport. */

/** A token: a header name, an unquoted parameter value, a chunk extension name. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A character node:http refuses in a header value, sent or received. */
export const NOT_FIELD_TEXT = /[^\t\x20-\x7e\x80-\xff]/;
