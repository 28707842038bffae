import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Build output, installs, and what the tools and the platform write at run time
    // (the same folders .gitignore leaves out).
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "**/.turbo/**",
      ".tools/**",
      "**/.data/**",
      "**/coverage/**",
      "**/test-artifacts/**",
      "**/.vitest-artifacts/**",
      "**/.app-building/**",
      ".claude/**",
      // Programs written against the seed's package name, compiled in a scratch project by their test.
      "packages/sdk/test/seed-programs/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/only-throw-error": "error",
      "no-console": "off",
    },
  },
  {
    // The set-up scripts and the console's browser script stay JavaScript, type-checked by
    // tsc (checkJs, strict) through the root tsconfig.json and apps/console/public/tsconfig.json.
    files: ["**/*.js", "**/*.mjs"],
    rules: {
      // tsc already reports every undefined name, and knows Node's and the browser's
      // globals from their types; ESLint would need its own, second list of them.
      "no-undef": "off",
    },
  },
  {
    // Served as a classic <script> (no modules), so it is parsed as one.
    files: ["apps/console/public/**/*.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
);
