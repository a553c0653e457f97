import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // One module owns every socket (src/transport/): it attaches 'error' listeners before anything can
    // destroy a socket and turns every failure into data. Address helpers (isIP...) hold no socket.
    // test/ and stacks/ are left out: they run the misbehaving servers and real stacks under test.
    files: ["src/**/*.ts", "scripts/**/*.ts"],
    ignores: ["src/transport/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["http", "https", "tls", "node:http", "node:https", "node:tls"]
            .map((name) => ({ name, message: "open connections through src/transport/ only" }))
            .concat(
              ["net", "node:net"].map((name) => ({
                name,
                allowImportNames: ["isIP", "isIPv4", "isIPv6"],
                message: "open connections through src/transport/ only",
              })),
            ),
        },
      ],
    },
  },
);
