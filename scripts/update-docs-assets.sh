#!/usr/bin/env bash
# Refreshes the Swagger UI and ReDoc files served at /docs and /redoc (src/factoryai/api/static/), from the release
# tarballs of their npm packages. The API serves them itself so the docs work on a site without internet access.
#   scripts/update-docs-assets.sh [swagger-ui-dist version] [redoc version]
# Keep ReDoc on 2.x: FastAPI's get_redoc_html writes the page for its <redoc spec-url> element.
set -euo pipefail

SWAGGER_VERSION="${1:-5.36.0}"
REDOC_VERSION="${2:-2.5.4}"
STATIC="$(cd "$(dirname "$0")/.." && pwd)/src/factoryai/api/static"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "swagger-ui-dist@$SWAGGER_VERSION" "redoc@$REDOC_VERSION" >/dev/null)
mkdir -p "$work/swagger" "$work/redoc"
tar -xzf "$work/swagger-ui-dist-$SWAGGER_VERSION.tgz" -C "$work/swagger"
tar -xzf "$work/redoc-$REDOC_VERSION.tgz" -C "$work/redoc"

# The bundles, their licences and the licence notices they point to; no source maps (only a browser's developer
# tools ask for them).
mkdir -p "$STATIC/swagger-ui" "$STATIC/redoc"
for f in swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css favicon-32x32.png LICENSE NOTICE; do
  cp "$work/swagger/package/$f" "$STATIC/swagger-ui/$f"
done
for f in bundles/redoc.standalone.js bundles/redoc.standalone.js.LICENSE.txt LICENSE; do
  cp "$work/redoc/package/$f" "$STATIC/redoc/$(basename "$f")"
done
printf 'swagger-ui-dist %s (Apache-2.0)\nredoc %s (MIT)\n' "$SWAGGER_VERSION" "$REDOC_VERSION" > "$STATIC/VERSIONS"
echo "docs assets: swagger-ui-dist $SWAGGER_VERSION, redoc $REDOC_VERSION -> $STATIC"
