# The pay-link proxy, with the widget bundles it serves. Untested here (no Docker daemon where it was written):
# see docs/production.md. Build from the repository root:
#   docker build -t pay-link-proxy .
#   docker run --rm -p 4000:4000 --env-file proxy.env pay-link-proxy

# ── build: the widget bundles (vite) and the proxy compiled to JavaScript (tsc) ──
FROM node:20-slim AS build
ENV CI=true
RUN npm install -g pnpm@10.34.9
WORKDIR /src
# Manifests first, so the dependency layer is cached until the lockfile or a manifest changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY packages/proxy/package.json packages/proxy/
COPY packages/widget/package.json packages/widget/
COPY packages/simulator/package.json packages/simulator/
RUN pnpm install --frozen-lockfile --filter @pay-link/proxy --filter @pay-link/widget
COPY tsconfig.base.json ./
COPY packages/widget packages/widget
COPY packages/proxy packages/proxy
RUN pnpm --filter @pay-link/widget run build \
 && pnpm --filter @pay-link/proxy exec tsc -p tsconfig.build.json --declaration false --sourceMap false

# ── runtime: production dependencies, the compiled proxy, the bundles; no sources, no dev tools ──
FROM node:20-slim
ENV NODE_ENV=production CI=true
RUN npm install -g pnpm@10.34.9
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY packages/proxy/package.json packages/proxy/
COPY packages/widget/package.json packages/widget/
COPY packages/simulator/package.json packages/simulator/
# better-sqlite3 uses a prebuilt binary when it can fetch one, else compiles: the tools are there for that, then go.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && pnpm install --frozen-lockfile --prod --filter @pay-link/proxy \
 && apt-get purge -y python3 make g++ && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
 && npm uninstall -g pnpm && npm cache clean --force \
 && mkdir -p /app/data && chown node:node /app/data
COPY --from=build /src/packages/proxy/dist packages/proxy/dist
# The proxy looks for the bundles at ../../widget/dist from its own code (PAY_LINK_WIDGET_DIR overrides).
COPY --from=build /src/packages/widget/dist packages/widget/dist

# Listen on every interface inside the container; the port is published with -p.
ENV HOST=0.0.0.0 PORT=4000
# The SQLite database, on a volume so it outlives the container (PAY_LINK_DATABASE_URL=postgres://… for several).
ENV PAY_LINK_DATABASE_URL=sqlite:/app/data/pay-link.sqlite
VOLUME /app/data
EXPOSE 4000
USER node
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself: /readyz turns 503, streams end, requests in flight finish.
CMD ["node", "packages/proxy/dist/server.js"]
