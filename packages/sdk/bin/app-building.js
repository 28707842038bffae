#!/usr/bin/env node
// The `app-building` command. Package managers link a bin when they install, which in a
// workspace comes before the build: this file always exists, the CLI it loads is built.
import "../dist/cli/main.js";
