# The two commands a fresh machine needs. Everything else is in scripts/.
.PHONY: start test reset services-stop bench

start: ## Start the portal on the embedded default (http://localhost:3000)
	@bash scripts/start.sh

test: ## Run every check and test against real services (PostgreSQL, Redis, MLflow) on loopback
	@bash scripts/test.sh

bench: ## Load benchmark of /llm-ops/v1 on PostgreSQL at 1M runs; writes docs/benchmarks.md
	@bash scripts/bench/run.sh

services-stop: ## Stop the test services (PostgreSQL, Redis, MLflow, Kubernetes API server, Ray)
	@bash scripts/services/postgres.sh stop
	@bash scripts/services/redis.sh stop
	@bash scripts/services/mlflow.sh stop
	@bash scripts/services/kube-apiserver.sh stop
	@bash scripts/services/ray.sh stop
	@bash scripts/services/olah.sh stop

reset: services-stop ## Remove local data: SQLite files, service data, reports (keeps Node and node_modules)
	@rm -rf .tools/data .tools/services .tools/reports .tools/logs "/var/lib/llm-ops/$$(printf '%s' "$$PWD" | sha256sum | cut -c1-12)"
	@echo "local data removed"
