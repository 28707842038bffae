# The dev container: everything `npm start` needs to run the whole platform (core-back, the
# console and a local agent) on a checkout of this monorepo mounted at /workspace, as on a
# developer's machine. The image holds tools only; the code, its node_modules, its build
# output and its data (/workspace/.data) all live in the mounted checkout.
# Build it with docker/build-dev-image.sh, which stages the pinned pnpm (pnpm.tgz) as the
# build context and sets the labels (apt reaches Debian's mirror: `docker build --network host`).
#
#   docker run -d --network host -v "$PWD:/workspace" app-building/dev:latest
#
# BASE_IMAGE is Debian bookworm plus the host's own Node (docker/base-image.sh), so native
# addons built on the host (better-sqlite3) load here, and the other way round.
ARG BASE_IMAGE=app-building/base:bookworm-node20
FROM ${BASE_IMAGE}

# supervisord runs the platform's services; g++, make and python3 compile better-sqlite3 when
# a fresh checkout installs its dependencies in here (no prebuilt binary is reachable).
# git, curl, tini and procps come with the base image.
RUN apt-get update -qq \
  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    supervisor g++ make python3 \
  && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
  && supervisord --version

# The pnpm of the root package.json's packageManager, so `scripts/run.mjs` uses it as is.
# The build script packs it on the host (npm pack), so this step needs no registry.
ARG PNPM_VERSION
COPY pnpm.tgz /tmp/pnpm.tgz
RUN npm install --global --no-audit --no-fund --no-update-notifier /tmp/pnpm.tgz \
  && rm -f /tmp/pnpm.tgz \
  && npm cache clean --force \
  && test "$(pnpm --version)" = "${PNPM_VERSION}"

# The mounted checkout belongs to whoever owns it on the host: let git work in it anyway.
RUN git config --system --add safe.directory '*'

# pnpm's store at the path pnpm gives it for root on a developer's machine, not inside the
# mounted checkout (pnpm's choice when the checkout is another file system): node_modules
# installed on the host by root then count as installed here. Mount the host's store there
# to share it (docs/docker.md).
ENV npm_config_store_dir=/root/.local/share/pnpm/store \
  TURBO_NO_UPDATE_NOTIFIER=1 \
  TURBO_TELEMETRY_DISABLED=1 \
  DO_NOT_TRACK=1 \
  CORE_BACK_PORT=4000 \
  CONSOLE_PORT=4001
WORKDIR /workspace
EXPOSE 4000 4001
# The first start installs and builds the platform: allow it a while before counting failures.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15m --retries=3 \
  CMD curl -fsS --max-time 4 "http://127.0.0.1:${CORE_BACK_PORT}/health" >/dev/null || exit 1
# tini as PID 1 forwards `docker stop`'s SIGTERM to the start command, which stops
# supervisord and everything it runs, and reaps orphans.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "scripts/run.mjs", "start", "--foreground"]
