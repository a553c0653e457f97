/** The nginx side of the audit: load a configuration, then ask where and how it proxies to the app. */
export { loadNginxConfig, loadNginxText, type LoadOptions } from "./loader.js";
export { parseNginx, type ParsedFile } from "./parser.js";
export type { ConfigError, NginxConfig, NginxDirective } from "./model.js";
export {
  droppedResponseHeaders,
  forwardedHeader,
  headerAssignments,
  responseHeaders,
  routesToApp,
  type AppRoute,
  type ForwardedHeader,
  type PassInfo,
  type ResponseHeader,
} from "./routes.js";
export { defaultServers, serverBlocks, type ListenSpec, type ServerBlock } from "./servers.js";
export { variableIndex } from "./variables.js";
