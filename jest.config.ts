import type { Config } from "jest";

const config: Config = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // isolatedModules: type-checking is `npm run typecheck`'s job; tests stay fast.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: true }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 20000,
};

export default config;
