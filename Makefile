# newsgraph: the two commands a newcomer needs are `make run` and `make test`.
GO ?= go

.PHONY: run test web build vet bench eval eval-go

# Build the browser assets (if npm is there) and serve the embedded seeds
# with the playground at http://127.0.0.1:8080/.
run: web
	$(GO) run ./cmd/newsgraph serve

build: web
	$(GO) build -o newsgraph ./cmd/newsgraph

# Browser assets: npm with the committed lockfile, built into web/dist,
# which the binary embeds.
web:
	@if command -v npm >/dev/null 2>&1; then \
		cd web && npm ci --no-audit --no-fund && npm run build; \
	else echo "npm not found: building without the playground assets"; fi

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

# Everything CI runs (.ci/run installs what it needs on a fresh machine).
test: web vet
	$(GO) test -race -count=1 ./...
	@if command -v npm >/dev/null 2>&1; then \
		cd web && npm test; \
	else echo "npm not found: SKIPPING the browser tests in web/"; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The shared evaluation kit over HTTP (needs python3), and the same
# scoring in Go, in process.
eval:
	../shared/eval/run.sh -v

eval-go:
	$(GO) run ./cmd/newsgraph eval -v
