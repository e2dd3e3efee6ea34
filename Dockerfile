# syntax=docker/dockerfile:1
# Zero-Error (zerr) image: `zerr serve` and `zerr worker` (deploy/compose.yaml, deploy/k8s/). deploy/README.md says
# what the container runtime must allow for the bubblewrap sandbox (seccomp, AppArmor, /proc) and why.
# Checked by test/deploy/deploy-files.test.ts (stages, ENTRYPOINT, the runtime packages); built by `docker build .`.

# ---- build: install every dependency, compile src/ to dist/, then drop the dev dependencies ----------------------
FROM node:20-bookworm AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
# `npm ci` runs the `prepare` script, which builds dist/ (tsc -p tsconfig.build.json).
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime: node, the sandbox's system packages, the built CLI -----------------------------------------------
FROM node:20-bookworm-slim AS runtime
# bubblewrap >= 0.8 (--disable-userns), python3 + python3-seccomp (the sandbox's seccomp filter is compiled with
# libseccomp's Python binding), util-linux (setpriv, prlimit, unshare) and mount, python3-pytest (a Python build's
# own tests), git (builds commit their output). scripts/setup.sh installs the same on a bare machine.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      bubblewrap python3 python3-seccomp python3-pytest util-linux mount git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# /work: the working folder of the engine (run store, builds, api-keys.json); mount a volume here.
RUN mkdir -p /work
WORKDIR /work
# Root inside the container, on purpose (deploy/README.md, "The sandbox in a container"): as root the engine starts
# every sandbox through `setpriv --reuid=65534` so that candidate code never shares the engine's uid, and its
# RLIMIT_NPROC counts only sandboxed processes. bubblewrap itself is never setuid here: it always runs as uid 65534
# in a user namespace of its own, which is what the runtime must allow.
USER root
EXPOSE 8787
ENTRYPOINT ["node", "/app/bin/zerr.js"]
CMD ["--help"]
